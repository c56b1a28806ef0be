import { afterEach, describe, expect, it } from 'vitest';
import type { Post, PostMetric } from '@social-pulse/schema';
import { BlueskySource } from './bluesky/source.ts';
import { emptyCursor } from './cursor.ts';
import { decodeRawPage } from './envelope.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { MastodonSource } from './mastodon/source.ts';
import { RedditSource } from './reddit/source.ts';
import { observationsOf, refreshPosts, type RefreshPage, type RefreshTarget } from './refresh.ts';
import { refresherFor } from './refreshers.ts';
import { normalizeRawPage } from './registry.ts';
import { StackexchangeSource } from './stackexchange/source.ts';
import {
  algoliaHit,
  blueskyPost,
  fakeCredentials,
  mastodonStatus,
  redditLink,
  seQuestion,
  startFakeMastodon,
  startFakeOf,
  startFakeStackexchange,
  statusRun,
  xTweet,
  type ReplayServer,
} from './testing/index.ts';
import { scrapeForTest, testContext } from './testing/scrape.ts';
import type { Source } from './types.ts';
import { XSource } from './x/source.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

/** A source on its fake, with five posts; `grow` adds engagement to the oldest, `remove` deletes the second newest. */
interface Case {
  src: Source;
  env: NodeJS.ProcessEnv;
  grow(): void;
  remove(): void;
  /** The refresh's request size. */
  batch: number;
}

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0) / 1000;
const creds = fakeCredentials('test');
// X's recent search reaches 7 days back: its fixtures are dated from the real clock.
const recent = new Date(Date.now() - 2 * 86_400_000);

const CASES: Record<string, () => Promise<Case>> = {
  mastodon: async () => {
    const items = statusRun(5, 'example.social');
    const srv = await startFakeOf.mastodon(() => items);
    servers.push(srv);
    return {
      src: new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true }),
      env: {},
      grow: () => (items[0] = { ...items[0]!, favourites_count: 80, reblogs_count: 20 }),
      remove: () => void items.splice(3, 1),
      batch: 20,
    };
  },
  hackernews: async () => {
    const items = Array.from({ length: 5 }, (_, i) => algoliaHit(String(41_000_000 + i), T0 + i * 60));
    const srv = await startFakeOf.hackernews(() => items);
    servers.push(srv);
    return {
      src: new HackernewsSource({ type: 'hackernews', queries: ['data engineering'], tags: ['story'], enabled: true, baseUrl: srv.url }),
      env: {},
      grow: () => (items[0] = { ...items[0]!, points: 300, num_comments: 90 }),
      remove: () => void items.splice(3, 1),
      batch: 100,
    };
  },
  bluesky: async () => {
    const items = Array.from({ length: 5 }, (_, i) => blueskyPost(`3lbr${i}`, new Date((T0 + i * 60) * 1000)));
    const srv = await startFakeOf.bluesky(() => items, creds);
    servers.push(srv);
    return {
      src: new BlueskySource({ type: 'bluesky', tags: ['dataengineering'], queries: [], enabled: true, baseUrl: srv.url }),
      env: creds.bluesky,
      grow: () => (items[0] = { ...items[0]!, likeCount: 90, repostCount: 30 }),
      remove: () => void items.splice(3, 1),
      batch: 25,
    };
  },
  x: async () => {
    const items = Array.from({ length: 5 }, (_, i) => xTweet(new Date(recent.getTime() + i * 60_000), 100 + i));
    const srv = await startFakeOf.x(() => items, creds);
    servers.push(srv);
    return {
      src: new XSource({ type: 'x', queries: ['#dataengineering'], enabled: true, baseUrl: srv.url }),
      env: creds.x,
      grow: () => (items[0] = { ...items[0]!, public_metrics: { retweet_count: 40, reply_count: 9, like_count: 200, quote_count: 3, bookmark_count: 0, impression_count: 9000 } }),
      remove: () => void items.splice(3, 1),
      batch: 100,
    };
  },
  reddit: async () => {
    const items = Array.from({ length: 5 }, (_, i) => redditLink(1_600_000_000 + i, T0 + i * 60));
    const srv = await startFakeOf.reddit(() => items, creds);
    servers.push(srv);
    return {
      src: new RedditSource({ type: 'reddit', subreddits: ['dataengineering'], enabled: true, baseUrl: srv.url, authUrl: srv.url }),
      env: creds.reddit,
      grow: () => (items[0] = { ...items[0]!, score: 450, ups: 450, num_comments: 70 }),
      // Reddit still lists a deleted link, marked and emptied.
      remove: () => (items[3] = { ...items[3]!, removed_by_category: 'deleted', author: '[deleted]', selftext: '[deleted]', selftext_html: null }),
      batch: 100,
    };
  },
  stackexchange: async () => {
    const items = Array.from({ length: 5 }, (_, i) => seQuestion(79_100_000 + i, T0 + i * 60));
    const srv = await startFakeOf.stackexchange(() => items);
    servers.push(srv);
    return {
      src: new StackexchangeSource({ type: 'stackexchange', tags: ['data-engineering'], site: 'stackoverflow', enabled: true, baseUrl: srv.url }),
      env: {},
      grow: () => (items[0] = { ...items[0]!, score: 60, answer_count: 7, view_count: 4000 }),
      remove: () => void items.splice(3, 1),
      batch: 100,
    };
  },
};

const targetOf = (p: Post): RefreshTarget => ({ post_id: p.post_id, native_id: p.native_id, kind: p.kind, created_at: p.created_at, extra: p.extra });
const engagement = (m: PostMetric) => (m.like_count ?? 0) + (m.repost_count ?? 0) + (m.reply_count ?? 0) + (m.quote_count ?? 0) + (m.score ?? 0);

/** Later "now" than the scrape's, so that the two observations differ in time. */
const later = () => new Date(Date.now() + 3_600_000);

describe.each(Object.keys(CASES))('engagement refresh: %s', (name) => {
  it('re-reads the counts of its posts in one batch call: grown counts observed, a deleted post recorded, queries left alone', async () => {
    const c = await CASES[name]!();
    const first = await scrapeForTest(c.src, emptyCursor(), { env: c.env, since: new Date('2026-01-01T00:00:00Z') });
    expect(first.posts).toHaveLength(5);
    const before = first.landed.flatMap((p) => observationsOf(p.raw, p.normalized));
    expect(before).toHaveLength(5);
    const oldest = [...first.posts].sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
    const grown = oldest[0]!.post_id;
    const removed = oldest[3]!.post_id;
    c.grow();
    c.remove();

    const landed: RefreshPage[] = [];
    const ctx = testContext(c.env, later);
    const refresher = refresherFor(c.src)!;
    expect(refresher.batchSize).toBe(c.batch);
    const out = await refreshPosts(c.src.name, refresher, first.posts.map(targetOf), ctx, { maxRequests: 5, land: async (p) => void landed.push(p) });
    expect(out).toMatchObject({ requests: 1, pages: 1, asked: 5, observed: 4, deleted: 1, skipped: 0, problems: [] });

    // What the lake writer sees: the landed text, decoded and normalized again.
    const page = decodeRawPage(landed[0]!.rawText);
    expect(page.meta).toMatchObject({ source: name, query: 'refresh', refresh: expect.arrayContaining([grown, removed]) });
    const n = normalizeRawPage(page);
    expect(n.posts.every((p) => p.queries.length === 0)).toBe(true);
    const after = observationsOf(page, n);
    expect(after.filter((m) => m.deleted).map((m) => m.post_id)).toEqual([removed]);
    const g0 = before.find((m) => m.post_id === grown)!;
    const g1 = after.find((m) => m.post_id === grown)!;
    expect(engagement(g1)).toBeGreaterThan(engagement(g0));
    expect(g1.observed_at > g0.observed_at).toBe(true);
    // The post's newest state carries the grown counts too (the posts table keeps the latest).
    expect(n.posts.find((p) => p.post_id === grown)!.collected_at).toBe(g1.observed_at);
  });
});

describe('engagement refresh: budget and fallbacks', () => {
  it('spends at most maxRequests, newest posts first, and says what waits for the next run', async () => {
    const items = statusRun(50, 'example.social');
    const srv = await startFakeMastodon(() => items);
    servers.push(srv);
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    const first = await scrapeForTest(src, emptyCursor());
    expect(first.posts).toHaveLength(50);
    const before = srv.requests.length;
    const landed: RefreshPage[] = [];
    const out = await refreshPosts('mastodon', refresherFor(src)!, first.posts.map(targetOf), testContext({}, later), { maxRequests: 2, land: async (p) => void landed.push(p) });
    expect(srv.requests.length - before).toBe(2);
    expect(out).toMatchObject({ requests: 2, asked: 40, observed: 40, skipped: 10 });
    expect(out.problems.join(' ')).toMatch(/budget of 2 spent; 10 older posts asked for wait/);
    const newest40 = [...first.posts].sort((a, b) => (a.created_at > b.created_at ? -1 : 1)).slice(0, 40).map((p) => p.post_id).sort();
    expect(landed.flatMap((p) => p.raw.meta.refresh ?? []).sort()).toEqual(newest40);
    const none = await refreshPosts('mastodon', refresherFor(src)!, first.posts.map(targetOf), testContext({}, later), { maxRequests: 0, land: async () => undefined });
    expect(none).toMatchObject({ requests: 0, skipped: 50 });
  });

  it('falls back to one status at a time on a Mastodon without the batch lookup, a 404 recorded as deleted', async () => {
    const items = [mastodonStatus('109000000000003001', 'example.social'), mastodonStatus('109000000000003002', 'example.social'), mastodonStatus('109000000000003003', 'example.social')];
    const srv = await startFakeMastodon(() => items, undefined, { noBatchLookup: true });
    servers.push(srv);
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    const first = await scrapeForTest(src, emptyCursor());
    items.splice(1, 1);
    const before = srv.requests.length;
    const landed: RefreshPage[] = [];
    const out = await refreshPosts('mastodon', refresherFor(src)!, first.posts.map(targetOf), testContext({}, later), { maxRequests: 3, land: async (p) => void landed.push(p) });
    // One refused batch call, then two single lookups: the budget (3) counts all of them.
    expect(srv.requests.slice(before).map((u) => u.pathname)).toEqual(['/api/v1/statuses', '/api/v1/statuses/109000000000003003', '/api/v1/statuses/109000000000003002']);
    expect(out).toMatchObject({ requests: 3, pages: 2, observed: 1, deleted: 1, skipped: 1 });
    const deleted = landed.flatMap((p) => observationsOf(p.raw, p.normalized)).filter((m) => m.deleted);
    expect(deleted.map((m) => m.post_id)).toEqual([first.posts.find((p) => p.native_id.endsWith('3002'))!.post_id]);
    expect(landed[1]!.raw.meta.status).toBe(404);
  });

  it('stops a source whose lookup fails, keeping what landed, without throwing', async () => {
    const items = Array.from({ length: 5 }, (_, i) => seQuestion(79_200_000 + i, T0 + i * 60));
    let fail = false;
    const srv = await startFakeStackexchange({ questions: () => items, faults: ({ path }) => (fail && path.startsWith('/2.3/questions/') ? { status: 400, body: JSON.stringify({ error_id: 400, error_name: 'bad_parameter', error_message: 'ids' }) } : undefined) });
    servers.push(srv);
    const src = new StackexchangeSource({ type: 'stackexchange', tags: ['data-engineering'], site: 'stackoverflow', enabled: true, baseUrl: srv.url });
    const first = await scrapeForTest(src, emptyCursor());
    fail = true;
    const out = await refreshPosts('stackexchange', refresherFor(src)!, first.posts.map(targetOf), testContext({}, later), { maxRequests: 5, land: async () => undefined });
    expect(out).toMatchObject({ requests: 1, pages: 0, deleted: 0, skipped: 5 });
    expect(out.problems[0]).toMatch(/^refresh: .*400/);
  });
});
