import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../src/access.ts';
import { buildServer } from '../src/server.ts';
import { END, HOSTILE, knownData } from '../src/testing/fixtures.ts';
import { seedWarehouse } from '../src/testing/seed.ts';
import type { DashboardData } from '../src/types.ts';

let w: DuckDBWarehouse;
let app: ReturnType<typeof buildServer>;
const context = { scheduleSeconds: 3600, configuredSources: ['mastodon', 'hackernews', 'reddit'] };

beforeAll(async () => {
  w = await DuckDBWarehouse.open(':memory:');
  await seedWarehouse(w, knownData());
  app = buildServer({ access: WarehouseAccess.fixed(w), context, now: () => new Date(END), allowedHosts: ['127.0.0.1', 'localhost'] });
});
afterAll(async () => {
  await app.close();
  await w.close();
});

async function view(query: string): Promise<DashboardData> {
  const res = await app.inject({ url: `/api/dashboard?${query}`, headers: { host: '127.0.0.1' } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DashboardData;
}

/** The trending formula, written again independently of the SQL. */
function expectedTrending(): string[] {
  const { posts } = knownData();
  const end = Date.parse(END);
  const inView = posts.filter((p) => Date.parse(p.created_at) >= end - 7 * 86400e3 && Date.parse(p.created_at) < end);
  const eng = (p: (typeof posts)[number]) => (p.like_count ?? 0) + (p.repost_count ?? 0) + (p.reply_count ?? 0) + (p.quote_count ?? 0) + (p.score ?? 0);
  const mean = (s: string) => {
    const xs = inView.filter((p) => p.source === s).map(eng);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  return inView
    .map((p) => ({ id: p.post_id, v: eng(p) / mean(p.source) / Math.pow((end - Date.parse(p.created_at)) / 3600e3 + 2, 1.8) }))
    .sort((a, b) => b.v - a.v)
    .map((x) => x.id);
}

describe('GET /api/dashboard over a warehouse with known posts', () => {
  it('computes every panel', async () => {
    const d = await view('period=7d');
    expect(d.window).toEqual({ start: '2026-11-17T12:00:00.000Z', end: END, previousStart: '2026-11-10T12:00:00.000Z' });
    expect(d.headline).toEqual({ current: { posts: 6, authors: 5, sources: 2, engagement: 225 }, previous: { posts: 2, authors: 2, sources: 2, engagement: 10 } });

    expect(d.volume.bucketSeconds).toBe(86400);
    expect(d.volume.buckets[0]).toBe('2026-11-17T00:00:00.000Z');
    const vol = Object.fromEntries(d.volume.series.map((s) => [s.name, s.values]));
    expect(vol).toEqual({ mastodon: [0, 1, 0, 1, 0, 0, 2, 0], hackernews: [0, 0, 1, 0, 0, 1, 0, 0] });
    const sentiment = Object.fromEntries(d.sentiment.series.map((s) => [s.name, s.values.reduce((a, b) => a + b, 0)]));
    expect(sentiment).toEqual({ negative: 2, neutral: 2, positive: 2 });
    const topics = Object.fromEntries(d.topics.series.map((s) => [s.name, s.values.reduce((a, b) => a + b, 0)]));
    expect(topics).toEqual({ databases: 2, orchestration: 1, 'big data': 1, cloud: 1, [HOSTILE.topic]: 1 });

    expect(d.trending.map((p) => p.postId)).toEqual(expectedTrending());
    expect(d.trending[0]).toMatchObject({
      postId: 'mastodon:m1', authorName: 'Alice', likes: 10, reposts: 5, replies: 1, quotes: null, engagement: 16,
      topics: ['databases'], entities: [{ type: 'product', text: 'DuckDB' }, { type: 'corporation', text: 'DuckDB Labs' }],
    });
    expect(d.trending[0]!.normalized).toBeCloseTo(16 / 6.25, 6);
    expect(d.topPosts.map((p) => p.postId)).toEqual(['mastodon:m1', 'hackernews:h1', 'mastodon:m2', 'hackernews:h2', 'mastodon:m3', 'mastodon:x1']);

    expect(d.authors.map((a) => [a.handle, a.posts, a.engagement])).toEqual([
      ['alice@mastodon.social', 2, 18], ['carol', 1, 150], ['bob@fosstodon.org', 1, 6], ['dave', 1, 50], [HOSTILE.handle, 1, 1],
    ]);
    expect(d.hashtags.map((h) => [h.tag, h.posts])).toEqual([['dataengineering', 2], [HOSTILE.hashtag, 1], ['airflow', 1], ['duckdb', 1], ['spark', 1]]);
    expect(d.links).toEqual([
      { url: 'https://duckdb.org/2026/11/release', domain: 'duckdb.org', title: 'DuckDB 1.5 released', posts: 1, authors: 1 },
      { url: 'https://github.com/example/lake', domain: 'github.com', title: 'Show HN: A Parquet lake in TypeScript', posts: 1, authors: 1 },
      { url: 'https://www.example.com/snowflake-prices', domain: 'example.com', title: 'Snowflake raises prices', posts: 1, authors: 1 },
      { url: HOSTILE.link, domain: '', title: null, posts: 1, authors: 1 },
    ]);
    const ents = Object.fromEntries(d.entities.map((e) => [`${e.type}:${e.text}`, [e.posts, e.previous]]));
    expect(ents).toEqual({
      'product:DuckDB': [1, 1], 'corporation:DuckDB Labs': [1, 0], 'product:Airflow': [1, 0], 'product:Dagster': [1, 0],
      'product:Spark': [1, 0], 'corporation:GitHub': [1, 0], 'corporation:Snowflake': [1, 1], [`product:${HOSTILE.entity}`]: [1, 0],
    });

    const tiles = Object.fromEntries(d.status.tiles.map((t) => [t.name, t]));
    expect(tiles.mastodon).toMatchObject({ kind: 'source', freshness: 'fresh', rowsAdded: 4, ageSeconds: 1800, lastStatus: 'ok' });
    // Its last success was 5 h ago (> 2 × 1 h), and the run after it failed.
    expect(tiles.hackernews).toMatchObject({ freshness: 'stale', rowsAdded: 2, ageSeconds: 18000, lastStatus: 'failed', lastError: 'HTTP 503 from hn.algolia.com' });
    expect(tiles.reddit).toMatchObject({ freshness: 'stale', lastSuccessAt: null });
    expect(tiles.load).toMatchObject({ kind: 'step', freshness: 'fresh', rowsAdded: 6 });

    expect(d.quality?.runId).toBe('r2');
    expect(d.quality?.checks.map((c) => [c.check, c.source, c.status])).toEqual([
      ['counts_not_negative', 'mastodon', 'fail'], ['post_id_unique', '*', 'pass'],
    ]);
    expect(d.options.sources.sort()).toEqual(['hackernews', 'mastodon']);
    expect(d.options.languages).toEqual(['en', 'de']);
    expect(Object.keys(d.timings)).toContain('trending');
  });

  it('applies each filter to every panel', async () => {
    const posts = async (q: string) => (await view(`period=7d&${q}`)).headline.current.posts;
    expect(await posts('source=hackernews')).toBe(2);
    expect(await posts('topic=databases')).toBe(2);
    expect(await posts('entity=duckdb')).toBe(1); // case-insensitive
    expect(await posts('lang=de')).toBe(1);
    expect(await posts('q=PARQUET')).toBe(2); // in text (m1) and in a title (h1)
    expect(await posts('source=mastodon&topic=databases')).toBe(1);
    const d = await view('period=7d&source=hackernews');
    expect(d.trending.every((p) => p.source === 'hackernews')).toBe(true);
    expect(d.hashtags).toEqual([]);
    expect(d.entities.map((e) => e.text).sort()).toEqual(['GitHub', 'Snowflake']);
    expect(d.headline.previous.posts).toBe(1);
    // A short period is drawn by the hour.
    const day = await view('period=24h');
    expect(day.volume.bucketSeconds).toBe(3600);
    expect(day.volume.buckets).toHaveLength(24);
    expect(day.headline.current.posts).toBe(0);
    expect((await view('period=48h')).headline.current.posts).toBe(3);
    // `end` moves the window: the previous week alone.
    expect((await view('period=7d&end=2026-11-17T12:00:00Z')).headline.current.posts).toBe(2);
  });

  it('binds what the user typed, never pastes it into SQL', async () => {
    const d = await view(`q=${encodeURIComponent("'; DROP TABLE posts; --")}&topic=${encodeURIComponent("x' OR '1'='1")}`);
    expect(d.headline.current.posts).toBe(0);
    expect((await view('period=7d')).headline.current.posts).toBe(6);
  });

  it('refuses malformed filters with a message naming them', async () => {
    for (const [qs, msg] of [
      ['period=7y', /period: expected a period/],
      ['period=9999d', /period/],
      ['source=myspace', /source: expected one of mastodon/],
      ['lang=en;drop', /lang: expected a language code/],
      ['end=yesterday', /end: expected an ISO instant/],
      [`q=${'a'.repeat(201)}`, /q: at most 200 characters/],
      ['q=%00', /control characters/],
      ['sort=desc', /unknown filter "sort"/],
    ] as const) {
      const res = await app.inject({ url: `/api/dashboard?${qs}`, headers: { host: '127.0.0.1' } });
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().error, qs).toMatch(msg);
    }
  });

  it('serves the page under a strict policy and answers only to loopback names', async () => {
    const page = await app.inject({ url: '/', headers: { host: '127.0.0.1:8787' } });
    expect(page.statusCode).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).not.toMatch(/<script>/); // nothing inline
    const js = await app.inject({ url: '/assets/app.js', headers: { host: 'localhost:8787' } });
    expect(js.statusCode).toBe(200);
    expect(js.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect((await app.inject({ url: '/assets/chart.umd.min.js', headers: { host: 'localhost' } })).body).toMatch(/Chart/);
    const rebound = await app.inject({ url: '/api/dashboard', headers: { host: 'attacker.example:8787' } });
    expect(rebound.statusCode).toBe(421);
  });

  it('exports a self-contained view whose inline code is allowed by hash and whose data cannot break out', async () => {
    const res = await app.inject({ url: '/export.html?period=7d&source=mastodon', headers: { host: '127.0.0.1' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="social-pulse-2026-11-24.html"');
    const html = res.body;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2); // Chart.js and the page
    for (const s of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(csp).not.toMatch(/connect-src|unsafe/);
    const json = /<script type="application\/json" id="pulse-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(json).not.toContain('<');
    const data = JSON.parse(json) as DashboardData;
    expect(data.filters.source).toBe('mastodon');
    expect(data.headline.current.posts).toBe(4);
    expect(data.trending.some((p) => p.text === HOSTILE.text)).toBe(true);
  });
});

describe('a warehouse that is not there yet', () => {
  it('answers 503 with what to do', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dash-'));
    const access = WarehouseAccess.of({ kind: 'duckdb', path: path.join(dir, 'none.duckdb') });
    const empty = buildServer({ access, context });
    const res = await empty.inject({ url: '/api/dashboard' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatch(/does not exist yet: run `pulse run`/);
    await empty.close();
    await access.close();
  });
});
