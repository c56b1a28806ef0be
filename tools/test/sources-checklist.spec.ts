import { SOURCE_NAMES } from '@social-pulse/sources/specs';
import { describe, expect, it } from 'vitest';
import { SHAPES, SOURCE_WEIGHTS } from '../generate/shapes.ts';

/** CONTRIBUTING.md, "Adding a source": the generator has a shape and a weight for every source of the build. */
describe("the generator's sources", () => {
  it('has one shape and one weight per source, each shape for its own source', () => {
    expect(Object.keys(SHAPES).sort()).toEqual([...SOURCE_NAMES].sort());
    expect(Object.keys(SOURCE_WEIGHTS).sort()).toEqual([...SOURCE_NAMES].sort());
    for (const [name, shape] of Object.entries(SHAPES)) expect(shape.source).toBe(name);
  });
});
