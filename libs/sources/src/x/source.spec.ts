import { afterEach, describe, expect, it } from 'vitest';
import type { Post } from '@social-pulse/schema';
import { emptyCursor } from '../cursor.ts';
import { startFakeX, xLimits } from '../testing/fake-x.ts';
import { awkwardTweets, xRun, xUsers, type TweetJson } from '../testing/fixtures-x.ts';
import { scrapeForTest, testContext } from '../testing/scrape.ts';
import { json, type ReplayServer } from '../testing/server.ts';
import { snowflakeAt } from './api.ts';
import { XSource } from './source.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const env = { X_BEARER_TOKEN: 'AAAAAAAAAAAAAAAAAAAAAtest%2Ftoken' };
// Recent search only reaches 7 days back: fixtures are dated from the real clock.
const t0 = new Date(Date.now() - 2 * 86_400_000);

async function fake(tweets: () => TweetJson[], referenced: () => TweetJson[] = () => [], faults?: Parameters<typeof startFakeX>[0]['faults']) {
  const srv = await startFakeX({ token: env.X_BEARER_TOKEN, tweets, referenced, users: xUsers, ...(faults ? { faults } : {}) });
  servers.push(srv);
  return { srv, src: new XSource({ type: 'x', queries: ['#dataengineering'], enabled: true, baseUrl: srv.url }) };
}

describe('X source', () => {
  it('normalizes authors from includes, retweets as reposts of their original, and reports partial errors', async () => {
    const { hits, originals } = awkwardTweets(t0);
    const { src } = await fake(() => hits, () => originals);
    const r = await scrapeForTest(src, emptyCursor(), { env });
    const [retweet, orphan, long, reply, old] = hits.map((h) => r.posts.find((p) => p.native_id === h.id)!) as [Post, Post, Post, Post, Post];
    const original = r.posts.find((p) => p.native_id === originals[0]!.id)!;
    expect(original).toMatchObject({
      kind: 'post', author_handle: 'xdevelopers', author_name: 'Developers', author_followers: 583000,
      url: `https://x.com/XDevelopers/status/${originals[0]!.id}`, links: ['https://developer.x.com/en/updates/changelog'],
    });
    expect(retweet).toMatchObject({ kind: 'repost', parent_id: original.post_id, text: original.text, repost_count: 40, author_handle: 'dana_data', author_followers: 1200 });
    // The original of this retweet was deleted: X says so in errors[], the retweet is kept as it is.
    expect(orphan).toMatchObject({ kind: 'repost', text: expect.stringMatching(/^RT @gone/) });
    expect(r.outcome.problems).toEqual([expect.stringMatching(/partial error: Not Found Error: Could not find tweet with referenced_tweets\.id/)]);
    expect(long.text).toMatch(/^Thread on building a lakehouse.*🧵$/);
    expect(long.text.length).toBeGreaterThan(400);
    expect(long.links).toEqual([]); // only a photo link
    expect(long.hashtags).toEqual(['dataengineering']);
    expect(reply).toMatchObject({ kind: 'reply', parent_id: long.post_id, conversation_id: long.post_id, lang: 'ar', mentions: ['dana_data'], author_name: 'عمر', author_followers: null });
    expect(old).toMatchObject({ kind: 'quote', parent_id: original.post_id, lang: null, hashtags: ['dataengineering'], quote_count: 0 });
    expect(JSON.parse(old.extra!)).toEqual({});
    expect(JSON.parse(long.extra!)).toMatchObject({ impression_count: 250, bookmark_count: 0 });
    expect(r.outcome.rejected).toBe(0);
  });

  it('pages with next_token, clamps the first run to 7 days, and then asks only since_id', async () => {
    const tweets = xRun(150, t0);
    const old = { ...xRun(1, new Date(Date.now() - 9 * 86_400_000), 5)[0]! };
    const { srv, src } = await fake(() => [old, ...tweets]);
    const first = await scrapeForTest(src, emptyCursor(), { env, since: new Date('2026-01-01T00:00:00Z') });
    expect(first.outcome).toMatchObject({ pages: 2, items: 150, stoppedBy: 'caught-up' });
    const start = Date.parse(srv.requests[0]!.searchParams.get('start_time')!);
    expect(start).toBeGreaterThan(Date.now() - 7 * 86_400_000);
    expect(srv.requests[1]!.searchParams.get('next_token')).toBeTruthy();
    expect(srv.requests[0]!.searchParams.get('expansions')).toContain('author_id');
    tweets.push(...xRun(2, new Date(Date.now() - 60_000), 900));
    const second = await scrapeForTest(src, first.outcome.cursor, { env });
    expect(second.ids).toHaveLength(2);
    expect(srv.requests.at(-1)!.searchParams.get('since_id')).toBe(first.outcome.cursor.high);
    expect(srv.requests.at(-1)!.searchParams.has('start_time')).toBe(false);
  });

  it('drops a since_id older than 7 days for start_time, and gives up a gap beyond reach', async () => {
    const { srv, src } = await fake(() => xRun(5, t0));
    const stale = snowflakeAt(Date.now() - 8 * 86_400_000);
    const r = await scrapeForTest(src, { high: stale, gaps: [{ below: snowflakeAt(Date.now() - 7.5 * 86_400_000), above: snowflakeAt(Date.now() - 8.5 * 86_400_000) }] }, { env });
    expect(r.outcome.items).toBe(5);
    expect(srv.requests[0]!.searchParams.has('since_id')).toBe(false);
    expect(srv.requests).toHaveLength(1);
    expect(r.outcome.cursor.gaps).toEqual([]);
    expect(r.outcome.problems).toEqual([expect.stringMatching(/out of the API's reach, dropped/)]);
  });

  it('waits out a 429 with x-rate-limit-reset and fails clearly on a bad token', async () => {
    const { srv, src } = await fake(() => xRun(12, t0), () => [], ({ n }) =>
      n === 0 ? json({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, 429, { ...xLimits(0), 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 1) }) : undefined,
    );
    const r = await scrapeForTest(src, emptyCursor(), { env });
    expect(r.outcome).toMatchObject({ items: 12, stoppedBy: 'caught-up' });
    expect(srv.requests).toHaveLength(2);
    const bad = await scrapeForTest(src, emptyCursor(), { env: { X_BEARER_TOKEN: 'nope' } });
    expect(bad.outcome.stoppedBy).toBe('error');
    expect(bad.outcome.problems[0]).toMatch(/HTTP 401: .*Unauthorized/);
    await expect(src.check(testContext(env))).resolves.toMatch(/^bearer token accepted; 10 recent tweets/);
  });
});
