import { SOURCE_NAMES } from '@social-pulse/sources/specs';
import { describe, expect, it } from 'vitest';
import { parseFilters } from './filters.ts';

/** CONTRIBUTING.md, "Adding a source": the source filter takes every source of the build, and no other. */
describe("the dashboard's source filter", () => {
  it('accepts every source of the build', () => {
    for (const name of SOURCE_NAMES) expect(parseFilters({ source: name }).source).toBe(name);
    expect(() => parseFilters({ source: 'echo' })).toThrow(/source: expected one of mastodon, hackernews, bluesky, reddit, x, stackexchange/);
  });
});
