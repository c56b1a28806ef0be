import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFilters } from './filters.ts';
import { loadDashboard } from './panels.ts';
import { makePost, seedWarehouse } from './testing/seed.ts';

let w: DuckDBWarehouse;
beforeEach(async () => {
  w = await DuckDBWarehouse.open(':memory:');
});
afterEach(() => w.close());

const ctx = { scheduleSeconds: 3600, configuredSources: [], now: new Date('2026-11-21T00:00:00Z') };

describe('the Stories panel', () => {
  it('shows one row per story with its networks, normalized engagement and velocity, and its posts', async () => {
    await seedWarehouse(w, {
      posts: [
        makePost('1', { source: 'hackernews', title: 'Postgres 19 released', text: '', links: ['https://www.postgresql.org/about/news/19/?utm_source=hn'], score: 300, created_at: '2026-11-20T08:00:00.000Z' }),
        makePost('2', { source: 'mastodon', text: 'Postgres 19!', links: ['https://postgresql.org/about/news/19#features'], like_count: 10, created_at: '2026-11-20T09:00:00.000Z' }),
        makePost('3', { source: 'bluesky', text: 'pg19 is out', links: ['http://postgresql.org/about/news/19/?ref=bsky'], like_count: 4, created_at: '2026-11-20T10:00:00.000Z' }),
        makePost('4', { source: 'mastodon', text: 'unrelated', links: ['https://example.com/x'], like_count: 1 }),
        makePost('5', { source: 'hackernews', title: 'Something else', text: '', links: ['https://example.net/y'], score: 2 }),
      ],
    });
    const d = await loadDashboard(w, parseFilters({ period: '7d' }, ctx.now), ctx);
    expect(d.stories).toHaveLength(1);
    const [s] = d.stories;
    expect(s).toMatchObject({
      title: 'Postgres 19 released',
      canonicalUrl: 'https://postgresql.org/about/news/19',
      posts: 3,
      totalPosts: 3,
      sources: ['bluesky', 'hackernews', 'mastodon'],
    });
    // Normalized: each post's engagement over its source's mean in the view (HN mean 151, Mastodon mean 5.5, Bluesky 4).
    expect(s!.normalized).toBeCloseTo(300 / 151 + 10 / 5.5 + 4 / 4, 6);
    expect(s!.velocity).toBeGreaterThan(0);
    expect(s!.items.map((i) => i.postId)).toEqual(['hackernews:1', 'mastodon:2', 'bluesky:3']);

    // A source filter narrows the story to its posts there: one post is no longer a story in that view.
    const hn = await loadDashboard(w, parseFilters({ period: '7d', source: 'hackernews' }, ctx.now), ctx);
    expect(hn.stories).toEqual([]);
  });
});
