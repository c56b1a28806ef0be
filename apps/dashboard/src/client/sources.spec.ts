import { SOURCE_NAMES, SOURCE_SPECS } from '@social-pulse/schema';
import { echoSpec } from '@social-pulse/schema/testing';
import { describe, expect, it } from 'vitest';
import { fixedColours } from './charts.ts';
import { SOURCES } from './render.ts';

/** CONTRIBUTING.md, "Adding a source": the page's source list and colours come from the specs. */
describe("the dashboard page's sources", () => {
  it('lists every source of the build, in order', () => {
    expect(SOURCES).toEqual(SOURCE_SPECS.map((s) => s.name));
    expect(SOURCES).toEqual([...SOURCE_NAMES]);
  });

  it("gives every source its spec's colour, a source added in a test too, and keeps the sentiments'", () => {
    const colours = fixedColours();
    for (const s of SOURCE_SPECS) expect(colours[s.name]).toBe(s.colour);
    expect(colours['mastodon']).toBe('#6364ff');
    expect(colours['positive']).toBe('#16a34a');
    expect(colours['echo']).toBeUndefined();
    expect(fixedColours([...SOURCE_SPECS, echoSpec])['echo']).toBe(echoSpec.colour);
  });
});
