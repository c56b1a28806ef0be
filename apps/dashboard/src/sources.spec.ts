import { SOURCE_NAMES, SOURCE_SPECS } from '@social-pulse/schema';
import { echoSpec } from '@social-pulse/schema/testing';
import { describe, expect, it } from 'vitest';
import { fixedColours } from './client/charts.ts';
import { SOURCES } from './client/render.ts';
import { parseFilters } from './filters.ts';

/** CONTRIBUTING.md, "Adding a source": the dashboard's source list and colours come from the specs. */
describe("the dashboard's sources", () => {
  it('lists every source of the build, in order, and filters by each', () => {
    expect(SOURCES).toEqual(SOURCE_SPECS.map((s) => s.name));
    expect(SOURCES).toEqual([...SOURCE_NAMES]);
    for (const name of SOURCES) expect(parseFilters({ source: name }).source).toBe(name);
    expect(() => parseFilters({ source: 'echo' })).toThrow(/source: expected one of mastodon, hackernews, bluesky, reddit, x, stackexchange/);
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
