import { afterEach, describe, expect, it } from 'vitest';
import { emptyCursor } from '../cursor.ts';
import { encodeRawPage } from '../envelope.ts';
import { startFakeBluesky } from '../testing/fake-bluesky.ts';
import { awkwardBlueskyPosts, blueskyRun, type PostViewJson } from '../testing/fixtures-bluesky.ts';
import { scrapeForTest } from '../testing/scrape.ts';
import { json, type ReplayServer } from '../testing/server.ts';
import type { RawMeta } from '../types.ts';
import { normalizeBluesky } from './normalize.ts';
import { BlueskySource } from './source.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const env = { BLUESKY_HANDLE: 'me.bsky.social', BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' };
const t0 = new Date('2026-11-20T00:00:00Z');
const meta: RawMeta = {
  source: 'bluesky', query: '#dataengineering', queryKey: '#dataengineering', url: 'https://bsky.social/xrpc/app.bsky.feed.searchPosts?q=%23dataengineering',
  status: 200, fetched_at: '2026-11-21T00:00:00.000Z', run_id: 'r1', headers: {},
};
const normalize = (body: unknown) => normalizeBluesky(encodeRawPage(meta, JSON.stringify(body)).page);

async function fake(posts: () => PostViewJson[], extra: Partial<Parameters<typeof startFakeBluesky>[0]> = {}) {
  const srv = await startFakeBluesky({ handle: env.BLUESKY_HANDLE, password: env.BLUESKY_APP_PASSWORD, posts, ...extra });
  servers.push(srv);
  return { srv, src: new BlueskySource({ type: 'bluesky', tags: ['dataengineering'], queries: [], enabled: true, baseUrl: srv.url }) };
}

describe('Bluesky normalization', () => {
  const { posts, rejected } = normalize({ posts: awkwardBlueskyPosts(t0) });
  const byRkey = (r: string) => posts.find((p) => p.native_id.endsWith(r))!;

  it('reads mentions, links and tags from facets by UTF-8 byte offsets', () => {
    const p = byRkey('3lawk0000001');
    expect(p).toMatchObject({
      post_id: 'bluesky:at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lawk0000001',
      url: 'https://bsky.app/profile/alice.bsky.social/post/3lawk0000001',
      kind: 'post',
      author_id: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      author_handle: 'alice.bsky.social',
      mentions: ['bob.dev.example'],
      links: ['https://duckdb.org/docs'],
      hashtags: ['dataengineering'],
      lang: 'ja',
      like_count: 5, repost_count: 2, reply_count: 1, quote_count: 0,
      author_followers: null,
      created_at: '2026-11-20T00:01:00.000Z',
    });
    expect(p.text).toContain('🚀 データ基盤');
  });

  it('finds hashtags written only in the text, and leaves absent counts null', () => {
    const p = byRkey('3lawk0000002');
    expect(p.hashtags).toEqual(['dataengineering', 'streaming']);
    expect(p).toMatchObject({ quote_count: null, lang: null, author_name: 'carol.example.com' });
  });

  it('links replies and quotes to their parents, and keeps right-to-left text', () => {
    expect(byRkey('3lawk0000003')).toMatchObject({
      kind: 'reply',
      parent_id: 'bluesky:at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lparent00001',
      conversation_id: 'bluesky:at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lroot0000001',
      text: 'هندسة البيانات رائعة #dataengineering ✨',
      author_name: 'سارة',
      url: 'https://bsky.app/profile/did:plc:rtlrtlrtlrtlrtlrtlrtlrtl/post/3lawk0000003',
    });
    expect(byRkey('3lawk0000004')).toMatchObject({ kind: 'quote', parent_id: 'bluesky:at://did:plc:zzzz/app.bsky.feed.post/3lquoted00001', quote_count: 3 });
    expect(byRkey('3lawk0000005').links).toEqual(['https://blog.example.org/lakehouse?utm=bsky']);
    // The external embed is the primary link (stories match on the first link), before the facets' links.
    const [withFacet] = normalize({
      posts: [{ ...awkwardBlueskyPosts(t0)[4]!, record: { ...awkwardBlueskyPosts(t0)[4]!.record, text: 'see docs.example.org', facets: [{ index: { byteStart: 4, byteEnd: 20 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://docs.example.org/' }] }] } }],
    }).posts;
    expect(withFacet!.links).toEqual(['https://blog.example.org/lakehouse?utm=bsky', 'https://docs.example.org/']);
    expect(rejected).toEqual([]);
  });

  it('rejects a bad item, and flags an XRPC error body', () => {
    const out = normalize({ posts: [{ uri: 'at://x/app.bsky.feed.post/1', cid: 'c' }, awkwardBlueskyPosts(t0)[0]] });
    expect(out.posts).toHaveLength(1);
    expect(out.rejected[0]).toMatchObject({ item: 'at://x/app.bsky.feed.post/1', reason: expect.stringMatching(/^author: /) });
    expect(normalize({ error: 'ExpiredToken', message: 'Token has expired' }).pageError).toBe('API error: ExpiredToken: Token has expired');
  });
});

describe('Bluesky source', () => {
  it('logs in once, pages with the cursor, then fetches only what is new', async () => {
    const posts = blueskyRun(130, t0);
    const { srv, src } = await fake(() => posts);
    const first = await scrapeForTest(src, emptyCursor(), { env });
    expect(first.outcome).toMatchObject({ pages: 2, items: 130, stoppedBy: 'caught-up', problems: [] });
    expect(new Set(first.ids).size).toBe(130);
    expect(srv.logins).toBe(1);
    posts.push(...blueskyRun(3, new Date(t0.getTime() + 86_400_000), '3lnew'));
    const second = await scrapeForTest(src, first.outcome.cursor, { env });
    // `since` is inclusive: the newest post of the first run comes back once, outside the window.
    expect(second.outcome.items).toBe(3);
    expect(second.ids.filter((id) => id.includes('3lnew'))).toHaveLength(3);
    expect(second.outcome.pages).toBe(1);
    expect(srv.requests.at(-1)!.searchParams.get('since')).toBe(first.outcome.cursor.high!.split(' ')[0]);
    expect(srv.requests.at(-1)!.searchParams.get('q')).toBe('#dataengineering');
  });

  it('refreshes an expired session, and logs in again when the refresh token has expired too', async () => {
    const { srv, src } = await fake(() => blueskyRun(250, t0), { accessUses: 1, refreshUses: 1 });
    const r = await scrapeForTest(src, emptyCursor(), { env });
    expect(r.outcome).toMatchObject({ items: 250, stoppedBy: 'caught-up' });
    expect(srv.refreshes).toBeGreaterThanOrEqual(1);
    expect(srv.logins).toBeGreaterThanOrEqual(1);
    // Tokens never reach the raw zone.
    for (const p of r.landed) expect(p.rawText).not.toMatch(/eyJ\./);
  });

  it('says which variables to fix when the login is refused', async () => {
    const { src } = await fake(() => []);
    const r = await scrapeForTest(src, emptyCursor(), { env: { ...env, BLUESKY_APP_PASSWORD: 'wrong' } });
    expect(r.outcome.stoppedBy).toBe('error');
    expect(r.outcome.problems[0]).toMatch(/login as me\.bsky\.social refused \(AuthenticationRequired\): check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD/);
  });

  it('waits out a 429 with RateLimit-Reset and loses nothing', async () => {
    const { srv: limited, src: src2 } = await fake(() => blueskyRun(20, t0), {
      faults: ({ path, n }) =>
        path.endsWith('searchPosts') && n === 1
          ? json({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, 429, { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1), 'ratelimit-policy': '3000;w=300' })
          : undefined,
    });
    const r = await scrapeForTest(src2, emptyCursor(), { env });
    expect(r.outcome).toMatchObject({ items: 20, stoppedBy: 'caught-up' });
    expect(r.http.retries).toBe(1);
    expect(limited.requests.filter((u) => u.pathname.endsWith('searchPosts'))).toHaveLength(2);
  });

  it('check() makes one authenticated search', async () => {
    const { src } = await fake(() => blueskyRun(2, t0));
    const { testContext } = await import('../testing/scrape.ts');
    await expect(src.check(testContext(env))).resolves.toMatch(/^logged in as me\.bsky\.social; search answers/);
  });
});
