import { afterEach, describe, expect, it } from 'vitest';
import { BlueskySource } from './bluesky/source.ts';
import { emptyCursor } from './cursor.ts';
import { encodeRawPage } from './envelope.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { MastodonSource } from './mastodon/source.ts';
import { RedditSource } from './reddit/source.ts';
import { normalizeRawPage } from './registry.ts';
import { StackexchangeSource } from './stackexchange/source.ts';
import { startFakeAlgolia } from './testing/fake-algolia.ts';
import { startFakeBluesky } from './testing/fake-bluesky.ts';
import { startFakeMastodon } from './testing/fake-mastodon.ts';
import { startFakeReddit } from './testing/fake-reddit.ts';
import { startFakeStackexchange } from './testing/fake-stackexchange.ts';
import { startFakeX } from './testing/fake-x.ts';
import { algoliaHit, mastodonStatus, statusRun } from './testing/fixtures.ts';
import { blueskyPost, blueskyRun } from './testing/fixtures-bluesky.ts';
import { redditLink, redditRun } from './testing/fixtures-reddit.ts';
import { seQuestion, seRun } from './testing/fixtures-stackexchange.ts';
import { xRun, xTweet, xUsers } from './testing/fixtures-x.ts';
import { scrapeForTest } from './testing/scrape.ts';
import type { ReplayServer } from './testing/server.ts';
import type { RawMeta, Source } from './types.ts';
import { XSource } from './x/source.ts';

// Issue 18 item 4: an item whose date cannot be a date (text, or an epoch far past what a Date
// holds) used to throw while the page's paging keys were computed, before the page landed:
// its good posts were lost, the query failed, and the next run failed the same way.

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));
const keep = <S extends ReplayServer>(s: S): S => (servers.push(s), s);

const since = new Date('2026-01-01T00:00:00Z');
const secs = Date.UTC(2026, 10, 20) / 1000;

/**
 * Two runs of one query: the first must land the page holding the bad item (raw kept), store
 * its other posts, reject the bad one with its id and reason, and page on to the end; the
 * second must start from the moved cursor and find nothing new.
 */
async function expectBadItemRejected(src: Source, badId: string, field: RegExp, good: number, env: NodeJS.ProcessEnv = {}) {
  const first = await scrapeForTest(src, emptyCursor(), { env, since });
  expect(first.outcome.problems.filter((p) => !p.includes(`item ${badId}:`))).toEqual([]);
  expect(first.outcome).toMatchObject({ stoppedBy: 'caught-up', rejected: 1, posts: good });
  expect(first.outcome.pages).toBeGreaterThan(1);
  const holder = first.landed.find((p) => JSON.stringify(p.raw.body).includes(badId))!;
  expect(holder).toBeDefined();
  expect(holder.normalized.rejected).toEqual([{ item: badId, reason: expect.stringMatching(field) }]);
  expect(holder.normalized.posts.length).toBeGreaterThan(0);
  expect(new Set(first.ids).size).toBe(good);
  expect(first.outcome.cursor.high).toBeDefined();
  expect(first.outcome.cursor.gaps).toEqual([]);

  // The bad item is the newest on purpose (a 1e17 epoch sorts first on the server): with no
  // key of its own it is above the high-water mark, so the next run sees it, and rejects it, again.
  const second = await scrapeForTest(src, first.outcome.cursor, { env, since });
  expect(second.outcome).toMatchObject({ stoppedBy: 'caught-up', items: 0 });
  expect(second.outcome.problems.filter((p) => !p.includes(`item ${badId}:`))).toEqual([]);
  expect(second.outcome.cursor.high).toBe(first.outcome.cursor.high);
}

describe('an item with a date that is not a date', () => {
  it('mastodon: created_at "not a date"', async () => {
    const statuses = statusRun(60, 'mastodon.social');
    // The newest status, so on the first page.
    statuses.push(mastodonStatus('109000000000001100', 'mastodon.social', { created_at: 'not a date' }));
    const srv = keep(await startFakeMastodon(() => statuses));
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    await expectBadItemRejected(src, '109000000000001100', /created_at/, 60);
  });

  it('hackernews: created_at_i of 1e17', async () => {
    const hits = Array.from({ length: 150 }, (_, i) => algoliaHit(String(30000000 + i), secs + i * 60));
    hits.push({ ...algoliaHit('39999999', secs), created_at_i: 1e17, created_at: 'soon' });
    const srv = keep(await startFakeAlgolia(() => hits));
    const src = new HackernewsSource({ type: 'hackernews', queries: ['data engineering'], tags: ['story'], enabled: true, baseUrl: srv.url });
    await expectBadItemRejected(src, '39999999', /created_at_i/, 150);
  });

  it('reddit: created_utc of 1e17', async () => {
    const env = { REDDIT_CLIENT_ID: 'id', REDDIT_CLIENT_SECRET: 'secret' };
    const links = redditRun(150, secs);
    links.push(redditLink(1_600_000_000, secs, { created_utc: 1e17, created: 1e17 }));
    const srv = keep(await startFakeReddit({ clientId: env.REDDIT_CLIENT_ID, clientSecret: env.REDDIT_CLIENT_SECRET, links: () => links }));
    const src = new RedditSource({ type: 'reddit', subreddits: ['dataengineering'], enabled: true, baseUrl: srv.url, authUrl: srv.url });
    await expectBadItemRejected(src, (1_600_000_000).toString(36), /created_utc/, 150, env);
  });

  it('stackexchange: creation_date of 1e17', async () => {
    const questions = seRun(150, secs);
    questions.push(seQuestion(80_000_000, secs, { creation_date: 1e17 }));
    const srv = keep(await startFakeStackexchange({ questions: () => questions }));
    const src = new StackexchangeSource({ type: 'stackexchange', tags: ['data-engineering'], site: 'stackoverflow', enabled: true, baseUrl: srv.url });
    await expectBadItemRejected(src, '80000000', /creation_date/, 150);
  });

  it('bluesky: indexedAt of 1e17', async () => {
    const env = { BLUESKY_HANDLE: 'me.bsky.social', BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' };
    const t0 = new Date('2026-11-20T00:00:00Z');
    const posts = blueskyRun(150, t0);
    const bad = blueskyPost('3lbad0000001', new Date(t0.getTime() + 200 * 60_000), { indexedAt: 1e17 as unknown as string });
    posts.push(bad);
    const srv = keep(await startFakeBluesky({ handle: env.BLUESKY_HANDLE, password: env.BLUESKY_APP_PASSWORD, posts: () => posts }));
    const src = new BlueskySource({ type: 'bluesky', tags: ['dataengineering'], queries: [], enabled: true, baseUrl: srv.url });
    await expectBadItemRejected(src, bad.uri, /indexedAt/, 150, env);
  });

  it('x: created_at "not a date"', async () => {
    const env = { X_BEARER_TOKEN: 'test-token' };
    const t0 = new Date(Date.now() - 2 * 86_400_000);
    const tweets = xRun(150, t0);
    const bad = xTweet(new Date(t0.getTime() + 200 * 60_000), 7, { created_at: 'not a date' });
    tweets.push(bad);
    const srv = keep(await startFakeX({ token: env.X_BEARER_TOKEN, tweets: () => tweets, users: xUsers }));
    const src = new XSource({ type: 'x', queries: ['#dataengineering'], enabled: true, baseUrl: srv.url });
    await expectBadItemRejected(src, bad.id, /created_at/, 150, env);
  });
});

describe('normalizing a landed page (what the lake writer does with raw/)', () => {
  const meta = (source: RawMeta['source']): RawMeta => ({
    source, query: 'q', queryKey: 'q', url: 'http://127.0.0.1/x', status: 200, fetched_at: '2026-11-21T00:00:00.000Z', run_id: 'r', headers: {},
  });
  const normalize = (source: RawMeta['source'], body: unknown) => normalizeRawPage(encodeRawPage(meta(source), JSON.stringify(body)).page);

  it('rejects a time a Date cannot hold instead of throwing, and drops only an optional one', () => {
    const hn = normalize('hackernews', { hits: [{ ...algoliaHit('1', secs), created_at_i: 1e13 }, algoliaHit('2', secs)], nbHits: 2, page: 0, nbPages: 1, hitsPerPage: 100 });
    expect(hn.rejected).toEqual([{ item: '1', reason: 'created_at_i: 10000000000000 is not a time (seconds since 1970)' }]);
    expect(hn.posts.map((p) => p.native_id)).toEqual(['2']);

    const listing = (links: unknown[]) => ({ kind: 'Listing', data: { after: null, children: links.map((data) => ({ kind: 't3', data })) } });
    const rd = normalize('reddit', listing([redditLink(1, 1e13), redditLink(2, secs, { edited: 1e17 })]));
    expect(rd.rejected).toEqual([{ item: '1', reason: expect.stringMatching(/^created_utc: 10000000000000 is not a time/) }]);
    expect(rd.posts).toHaveLength(1);
    expect(JSON.parse(rd.posts[0]!.extra!)).not.toHaveProperty('edited_at');

    const se = normalize('stackexchange', { items: [seQuestion(1, 1e13), seQuestion(2, secs, { last_edit_date: 1e13, closed_date: 1e13 })], has_more: false });
    expect(se.rejected).toEqual([{ item: '1', reason: expect.stringMatching(/^creation_date: /) }]);
    expect(JSON.parse(se.posts[0]!.extra!)).not.toHaveProperty('closed_at');

    const md = normalize('mastodon', [mastodonStatus('109000000000001000', 'mastodon.social', { created_at: '+275760-09-13T00:00:00.001Z' })]);
    expect(md.rejected).toEqual([{ item: '109000000000001000', reason: 'created_at: not a date: "+275760-09-13T00:00:00.001Z"' }]);
  });

  it('lands a page whose reading throws as malformed, never losing it', async () => {
    const srv = keep(await startFakeMastodon(() => statusRun(3, 'mastodon.social')));
    const src = new MastodonSource({ type: 'mastodon', instances: [srv.url], tags: ['dataengineering'], enabled: true });
    src.normalize = () => {
      throw new RangeError('Invalid time value');
    };
    const r = await scrapeForTest(src, emptyCursor(), { since });
    expect(r.outcome).toMatchObject({ pages: 1, malformedPages: 1, stoppedBy: 'malformed' });
    expect(r.outcome.problems).toEqual([expect.stringMatching(/malformed page .*: could not be read: Invalid time value$/)]);
    expect((r.landed[0]!.raw.body as unknown[]).length).toBe(3);
  });
});
