import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { afterEach, describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../src/access.ts';
import { buildServer } from '../src/server.ts';
import { END } from '../src/testing/fixtures.ts';
import { makeMetric, makePost, seedWarehouse } from '../src/testing/seed.ts';
import type { DashboardData } from '../src/types.ts';

const context = { scheduleSeconds: 3600, configuredSources: ['mastodon', 'hackernews'] };
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const hoursBefore = (h: number) => new Date(Date.parse(END) - h * 3600e3).toISOString();

async function open(): Promise<{ w: DuckDBWarehouse; view(q: string): Promise<DashboardData> }> {
  const w = await DuckDBWarehouse.open(':memory:');
  const app = buildServer({ access: WarehouseAccess.fixed(w), context, now: () => new Date(END), allowedHosts: ['127.0.0.1'] });
  closers.push(() => w.close(), () => app.close());
  return {
    w,
    async view(q) {
      const res = await app.inject({ url: `/api/dashboard?${q}`, headers: { host: '127.0.0.1' } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as DashboardData;
    },
  };
}

describe('Rising now: engagement gained per hour between the last two observations', () => {
  it('ranks by gain per hour normalized by source, falls back to the age-decayed score for posts seen once, leaves deleted posts out', async () => {
    const { w, view } = await open();
    const post = (id: string, source: 'mastodon' | 'hackernews', ageH: number, likes: number) =>
      makePost(id, { source, created_at: hoursBefore(ageH), collected_at: hoursBefore(1), like_count: likes });
    await seedWarehouse(w, {
      posts: [post('a', 'mastodon', 6, 100), post('b', 'mastodon', 1, 50), post('c', 'mastodon', 5, 30), post('d', 'mastodon', 4, 20), post('e', 'mastodon', 8, 200), post('h', 'hackernews', 3, 12)],
      metrics: [
        makeMetric('mastodon:a', hoursBefore(2), { like_count: 40 }),
        makeMetric('mastodon:a', hoursBefore(1), { like_count: 100 }), // +60 in 1 h
        makeMetric('mastodon:b', hoursBefore(1), { like_count: 50 }), // seen once
        makeMetric('mastodon:c', hoursBefore(2), { like_count: 20 }),
        makeMetric('mastodon:c', hoursBefore(1), { like_count: 30 }), // +10 in 1 h
        makeMetric('mastodon:d', hoursBefore(3), { like_count: 20 }),
        makeMetric('mastodon:d', hoursBefore(1), { deleted: true, like_count: null, repost_count: null, reply_count: null, quote_count: null }),
        makeMetric('mastodon:e', hoursBefore(3), { like_count: 200 }),
        makeMetric('mastodon:e', hoursBefore(1), { like_count: 200 }), // flat
        makeMetric('hackernews:h', hoursBefore(3), { like_count: 2 }),
        makeMetric('hackernews:h', hoursBefore(1), { like_count: 12 }), // +5/h, alone in its source
      ],
    });
    const d = await view('period=24h');
    // The formula again, independently of the SQL: mastodon's mean gain is (60 + 10 + 0) / 3.
    const meanGain = 70 / 3;
    const fallbackB = 50 / ((100 + 50 + 30 + 20 + 200) / 5) / Math.pow(1 + 2, 1.8);
    const expected = [
      ['mastodon:a', 60 / meanGain],
      ['hackernews:h', 1],
      ['mastodon:c', 10 / meanGain],
      ['mastodon:b', fallbackB],
      ['mastodon:e', 0],
    ] as const;
    expect(d.trending.map((p) => p.postId)).toEqual(expected.map(([id]) => id));
    expected.forEach(([, v], i) => expect(d.trending[i]!.velocity).toBeCloseTo(v, 6));
    expect(d.trending.map((p) => p.gainPerHour)).toEqual([60, 5, 10, null, 0]);
    // Each post's count curve, oldest first.
    expect(d.trending[0]!.spark).toEqual([
      { t: Date.parse(hoursBefore(2)) / 1000, e: 40 },
      { t: Date.parse(hoursBefore(1)) / 1000, e: 100 },
    ]);
    expect(d.trending.find((p) => p.postId === 'mastodon:b')!.spark).toEqual([{ t: Date.parse(hoursBefore(1)) / 1000, e: 50 }]);
    // Top posts keep ranking by normalized engagement, deleted or not.
    expect(d.topPosts[0]!.postId).toBe('mastodon:e');
    // The page draws the curve.
    expect(d.trending[0]!.spark!.length).toBe(2);
  });

  it('moves a post whose counts grow between runs to the top', async () => {
    const { w, view } = await open();
    const old = makePost('old', { created_at: hoursBefore(10), collected_at: hoursBefore(9), like_count: 5 });
    const young = makePost('young', { created_at: hoursBefore(1), collected_at: hoursBefore(0.5), like_count: 5 });
    // First run: one observation each; the young post leads on the age-decayed score.
    await seedWarehouse(w, { posts: [old, young], metrics: [makeMetric(old.post_id, hoursBefore(9), { like_count: 5 }), makeMetric(young.post_id, hoursBefore(0.5), { like_count: 5 })] });
    expect((await view('period=24h')).trending.map((p) => p.postId)).toEqual(['mastodon:young', 'mastodon:old']);
    // Next run: the refresh sees the old post's likes grow.
    await seedWarehouse(w, { posts: [{ ...old, like_count: 80, collected_at: hoursBefore(0.25) }], metrics: [makeMetric(old.post_id, hoursBefore(0.25), { like_count: 80 })] });
    const after = await view('period=24h');
    expect(after.trending.map((p) => p.postId)).toEqual(['mastodon:old', 'mastodon:young']);
    expect(after.trending[0]!.gainPerHour).toBeCloseTo(75 / 8.75, 6);
    expect(after.trending[0]!.likes).toBe(80);
  });
});
