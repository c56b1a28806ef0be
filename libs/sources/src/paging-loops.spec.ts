import { DEFAULT_MAX_PAGES } from './specs/entry.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { BlueskySource } from './bluesky/source.ts';
import { emptyCursor } from './cursor.ts';
import { scrapeQuery } from './engine.ts';
import { MastodonSource } from './mastodon/source.ts';
import { RedditSource } from './reddit/source.ts';
import { startScriptedPaging, type PagingScript, type ServerPagedSource } from './testing/fake-paging.ts';
import { startFakeMastodon } from './testing/fake-mastodon.ts';
import { statusRun } from './testing/fixtures.ts';
import { testContext } from './testing/scrape.ts';
import type { ReplayServer } from './testing/server.ts';
import type { FetchedPage, Source } from './types.ts';
import { XSource } from './x/source.ts';

// Issue 18 item 5: a next link or cursor that never changes, or cycles, kept a run paging until
// it was killed. Each query now stops at a repeated cursor, at a page of items it already has,
// and at a cap on its pages per run, and says which.

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const env = { BLUESKY_HANDLE: 'me.bsky.social', BLUESKY_APP_PASSWORD: 'pw', REDDIT_CLIENT_ID: 'id', REDDIT_CLIENT_SECRET: 'secret', X_BEARER_TOKEN: 'token' };

function sourceFor(kind: ServerPagedSource, url: string): Source {
  switch (kind) {
    case 'mastodon':
      return new MastodonSource({ type: 'mastodon', instances: [url], tags: ['dataengineering'], enabled: true });
    case 'x':
      return new XSource({ type: 'x', queries: ['#dataengineering'], enabled: true, baseUrl: url });
    case 'reddit':
      return new RedditSource({ type: 'reddit', subreddits: ['dataengineering'], enabled: true, baseUrl: url, authUrl: url });
    case 'bluesky':
      return new BlueskySource({ type: 'bluesky', tags: ['dataengineering'], queries: [], enabled: true, baseUrl: url });
  }
}

async function run(kind: ServerPagedSource, script: PagingScript, maxPages?: number) {
  const srv = await startScriptedPaging(kind, script);
  servers.push(srv);
  const src = sourceFor(kind, srv.url);
  const landed: FetchedPage[] = [];
  const outcome = await scrapeQuery(src, src.queries()[0]!, emptyCursor(), testContext(env), {
    since: new Date('2026-01-01T00:00:00Z'),
    ...(maxPages !== undefined ? { maxPages } : {}),
    land: async (p) => void landed.push(p),
    save: async () => undefined,
  });
  return { outcome, landed, requests: srv.pageRequests };
}

/** Two fresh items per page: page n holds items 2n and 2n+1. */
const fresh = (n: number) => [2 * n, 2 * n + 1];

describe.each(['mastodon', 'x', 'reddit', 'bluesky'] as const)('paging that never ends, on %s', (kind) => {
  it('stops when the server sends the same cursor again', async () => {
    const r = await run(kind, (n) => ({ items: fresh(n), next: 'A' }));
    expect(r.requests).toBe(2);
    expect(r.outcome).toMatchObject({ pages: 2, posts: 4, stoppedBy: 'loop' });
    expect(r.outcome.problems).toEqual([expect.stringMatching(/paging stopped after 2 pages: the server sent the next-page cursor "(max_id=)?A" twice/)]);
  });

  it('stops when the cursors cycle A → B → A', async () => {
    const r = await run(kind, (n) => ({ items: fresh(n), next: ['A', 'B'][n % 2] }));
    expect(r.requests).toBe(3);
    expect(r.outcome).toMatchObject({ pages: 3, posts: 6, stoppedBy: 'loop' });
    expect(r.outcome.problems).toEqual([expect.stringMatching(/after 3 pages: the server sent the next-page cursor "(max_id=)?A" twice/)]);
  });

  it('stops at a page holding only items it already has, whatever the cursor', async () => {
    const r = await run(kind, (n) => ({ items: [0, 1, 2], next: `c${n}` }));
    expect(r.requests).toBe(2);
    expect(r.outcome).toMatchObject({ pages: 2, stoppedBy: 'loop' });
    expect(r.outcome.problems).toEqual([expect.stringMatching(/after 2 pages: page 2 held only items already fetched in this run/)]);
  });

  it('stops at the page cap when every page is new', async () => {
    const r = await run(kind, (n) => ({ items: fresh(n), next: `c${n}` }), 5);
    expect(r.requests).toBe(5);
    expect(r.outcome).toMatchObject({ pages: 5, posts: 10, stoppedBy: 'page-cap' });
    expect(r.outcome.problems).toEqual([expect.stringMatching(/stopped at 5 pages \(maxPages\); the rest waits for the next run/)]);
    // Like a limit: the unfetched range stays a gap, so the next run goes on from there.
    expect(r.outcome.cursor.gaps).toHaveLength(1);
  });
});

describe('the page cap', () => {
  it(`applies by default (${DEFAULT_MAX_PAGES} pages per query per run)`, async () => {
    const r = await run('mastodon', (n) => ({ items: [n], next: `c${n}` }));
    expect(r.requests).toBe(DEFAULT_MAX_PAGES);
    expect(r.outcome).toMatchObject({ pages: DEFAULT_MAX_PAGES, stoppedBy: 'page-cap' });
  });

  it('counts every window of the query: a gap left by an earlier run waits when the head spent the cap', async () => {
    const srv = await startFakeMastodon(() => statusRun(100, 'mastodon.social'));
    servers.push(srv);
    const src = sourceFor('mastodon', srv.url);
    const start = { high: '109000000000001099', gaps: [{ below: '109000000000001050' }] };
    const outcome = await scrapeQuery(src, src.queries()[0]!, start, testContext(env), {
      since: new Date('2026-01-01T00:00:00Z'),
      maxPages: 1,
      land: async () => undefined,
      save: async () => undefined,
    });
    expect(srv.requests).toHaveLength(1); // the head: nothing new
    expect(outcome).toMatchObject({ pages: 1, stoppedBy: 'page-cap', cursor: start });
  });

  it('leaves a query that ends by itself alone', async () => {
    const r = await run('x', (n) => ({ items: fresh(n), ...(n < 3 ? { next: `c${n}` } : {}) }), 4);
    expect(r.outcome).toMatchObject({ pages: 4, posts: 8, stoppedBy: 'caught-up', problems: [] });
  });
});
