import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, silentLogger } from '@social-pulse/runtime';
import { emptyCursor, type QueryCursor } from './cursor.ts';
import { scrapeQuery } from './engine.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { MastodonSource } from './mastodon/source.ts';
import type { FetchContext, FetchedPage, Source } from './types.ts';
import { startFakeAlgolia, type HitJson } from './testing/fake-algolia.ts';
import { startFakeMastodon, type StatusJson } from './testing/fake-mastodon.ts';
import { algoliaHit, statusRun } from './testing/fixtures.ts';
import type { ReplayServer } from './testing/server.ts';
import { json } from './testing/server.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const ctx = (): FetchContext => ({
  http: new HttpClient({ userAgent: 'social-pulse/test', backoffBaseMs: 5, retries: 3, timeoutMs: 2000 }),
  runId: 'r',
  now: () => new Date('2026-11-24T00:00:00Z'),
  log: silentLogger,
  env: {},
});

async function run(source: Source, cursor: QueryCursor, opts: { limit?: number; since?: Date } = {}) {
  const landed: FetchedPage[] = [];
  const saves: QueryCursor[] = [];
  const outcome = await scrapeQuery(source, source.queries()[0]!, cursor, ctx(), {
    since: opts.since ?? new Date('2026-01-01T00:00:00Z'),
    ...(opts.limit ? { limit: opts.limit } : {}),
    land: async (p) => void landed.push(p),
    save: async (c) => void saves.push(structuredClone(c)),
  });
  const ids = landed.flatMap((p) => p.normalized.posts.map((x) => x.native_id));
  return { outcome, landed, saves, ids };
}

describe('scrapeQuery on Mastodon', () => {
  it('pages with the Link header, then fetches only what is new', async () => {
    let statuses: StatusJson[] = statusRun(95, 'mastodon.social');
    const srv = await startFakeMastodon(() => statuses);
    servers.push(srv);
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    const first = await run(src, emptyCursor());
    // A short page does not prove the end (servers filter statuses): the empty fourth page does.
    expect(first.outcome).toMatchObject({ pages: 4, items: 95, posts: 95, stoppedBy: 'caught-up' });
    expect(new Set(first.ids).size).toBe(95);
    expect(first.outcome.cursor).toEqual({ high: '109000000000001094', gaps: [] });

    statuses = [...statuses, ...statusRun(3, 'mastodon.social', 109000000000002000n)];
    const second = await run(src, first.outcome.cursor);
    expect(second.outcome).toMatchObject({ pages: 2, items: 3 });
    expect(second.ids).toEqual(['2002', '2001', '2000'].map((s) => `https://mastodon.social/users/alice/statuses/10900000000000${s}`));
    // The second run asked only for statuses newer than the first run's newest.
    expect(srv.requests.at(-1)!.searchParams.get('since_id')).toBe('109000000000001094');
  });

  it('stops at the limit and fills the gap on the next run, losing and repeating nothing', async () => {
    const srv = await startFakeMastodon(() => statusRun(100, 'mastodon.social'));
    servers.push(srv);
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    const a = await run(src, emptyCursor(), { limit: 30 });
    expect(a.outcome).toMatchObject({ items: 30, stoppedBy: 'limit' });
    expect(a.outcome.cursor.gaps).toEqual([{ below: '109000000000001070' }]);
    const b = await run(src, a.outcome.cursor, { limit: 50 });
    const c = await run(src, b.outcome.cursor, { limit: 50 });
    const all = [...a.ids, ...b.ids, ...c.ids];
    expect(all).toHaveLength(100);
    expect(new Set(all).size).toBe(100);
    expect(c.outcome.cursor).toEqual({ high: '109000000000001099', gaps: [] });
  });

  it('keeps a malformed page, counts it and stops that query', async () => {
    const srv = await startFakeMastodon(
      () => statusRun(60, 'mastodon.social'),
      ({ n }) => (n === 1 ? { status: 200, body: '[{"id": "1", "oops' } : undefined),
    );
    servers.push(srv);
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    const r = await run(src, emptyCursor());
    expect(r.outcome).toMatchObject({ pages: 2, malformedPages: 1, stoppedBy: 'malformed', posts: 40 });
    expect(r.landed[1]!.raw.bodyText).toBe('[{"id": "1", "oops');
    expect(r.outcome.problems[0]).toMatch(/malformed page .*: body is not JSON/);
    // The unfetched range stays a gap for the next run.
    expect(r.outcome.cursor.gaps).toEqual([{ below: '109000000000001020' }]);
  });

  it('retries a 429 with Retry-After and loses nothing', async () => {
    const srv = await startFakeMastodon(
      () => statusRun(50, 'mastodon.social'),
      ({ n }) => (n === 1 ? json({ error: 'Too many requests' }, 429, { 'retry-after': '1' }) : undefined),
    );
    servers.push(srv);
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    const r = await run(src, emptyCursor());
    expect(r.outcome).toMatchObject({ items: 50, stoppedBy: 'caught-up' });
    // 40 + 10 + an empty last page, and the one retry.
    expect(srv.requests).toHaveLength(4);
  });
});

describe('scrapeQuery on Hacker News', () => {
  const t0 = Date.UTC(2026, 10, 1) / 1000;
  it('walks past the 1,000-hit ceiling in created_at_i slices', async () => {
    const hits: HitJson[] = Array.from({ length: 2500 }, (_, i) => algoliaHit(String(30000000 + i), t0 + Math.floor(i / 3) * 60));
    const srv = await startFakeAlgolia(() => hits);
    servers.push(srv);
    const src = new HackernewsSource({ type: 'hackernews', queries: ['data engineering'], tags: ['story'], enabled: true, baseUrl: srv.url });
    const r = await run(src, emptyCursor(), { since: new Date(t0 * 1000) });
    expect(r.outcome.problems).toEqual([]);
    expect(r.outcome.stoppedBy).toBe('caught-up');
    expect(new Set(r.ids).size).toBe(2500);
    expect(srv.requests.some((u) => /created_at_i<=/.test(u.searchParams.get('numericFilters') ?? ''))).toBe(true);
    expect(r.outcome.cursor.gaps).toEqual([]);

    hits.push(algoliaHit('39999999', t0 + 900_000));
    const again = await run(src, r.outcome.cursor, { since: new Date(t0 * 1000) });
    expect(again.outcome.items).toBe(1);
    expect(again.ids).toContain('39999999');
  });
});
