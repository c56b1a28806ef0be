import { SOURCE_NAMES, SOURCES } from '@social-pulse/sources/specs';
import { echo } from '@social-pulse/sources/testing';
import { describe, expect, it } from 'vitest';
import { pageSources } from '../sources.ts';
import { fixedColours } from './charts.ts';
import { sourceNames } from './render.ts';

/**
 * CONTRIBUTING.md, "Adding a source": the page's source list and colours come from the specs,
 * through the list the server sends with each view (`DashboardData.sources`, `pageSources`).
 */
describe("the dashboard page's sources", () => {
  it('lists every source of the build, in order', () => {
    const sources = pageSources();
    expect(sourceNames({ sources })).toEqual(SOURCES.map((s) => s.name));
    expect(sourceNames({ sources })).toEqual([...SOURCE_NAMES]);
    expect(sources.map((s) => s.label)).toEqual(SOURCES.map((s) => s.label));
  });

  it("gives every source its spec's colour, a source added in a test too, and keeps the sentiments'", () => {
    const colours = fixedColours(pageSources());
    for (const s of SOURCES) expect(colours[s.name]).toBe(s.colour);
    expect(colours['mastodon']).toBe('#6364ff');
    expect(colours['positive']).toBe('#16a34a');
    expect(colours['echo']).toBeUndefined();
    expect(fixedColours(pageSources([...SOURCES, echo]))['echo']).toBe(echo.colour);
  });
});
