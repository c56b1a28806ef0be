import { json, startServer, type ReplayServer } from './server.ts';
import { mastodonStatus } from './fixtures.ts';
import { blueskyPost } from './fixtures-bluesky.ts';
import { redditLink } from './fixtures-reddit.ts';
import { xTweet, xUsers } from './fixtures-x.ts';

/** The sources whose next page is whatever reference the server sends. */
export type ServerPagedSource = 'mastodon' | 'x' | 'reddit' | 'bluesky';

/**
 * What the server answers to its n-th page request (0-based), given the cursor the client
 * sent: the indexes of the items on the page (index 0 is the newest item; every index is a
 * distinct item, older as it grows) and the next cursor, if any.
 */
export type PagingScript = (n: number, cursor: string | undefined) => { items: number[]; next?: string };

const ANCHOR_MS = Date.now() - 86_400_000;

/**
 * A server that speaks just enough of one source's API (its login too) to page through a
 * scripted sequence, whatever the request asks: the misbehaving servers of the paging tests —
 * a cursor that repeats or cycles, pages without end, pages of items already sent.
 */
export async function startScriptedPaging(source: ServerPagedSource, script: PagingScript): Promise<ReplayServer & { pageRequests: number }> {
  let n = 0;
  const at = (i: number) => new Date(ANCHOR_MS - i * 60_000);
  const server = await startServer((url, req) => {
    if (req.method === 'POST' && url.pathname === '/xrpc/com.atproto.server.createSession') {
      return json({ accessJwt: 'eyJ.access.sig', refreshJwt: 'eyJ.refresh.sig', handle: 'me.bsky.social', did: 'did:plc:me' });
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/access_token') return json({ access_token: 'app-token', token_type: 'bearer', expires_in: 86400 });
    const p = url.searchParams;
    const cursorParam = { mastodon: 'max_id', x: 'next_token', reddit: 'after', bluesky: 'cursor' }[source];
    const page = script(n, p.get(cursorParam) ?? undefined);
    n += 1;
    fake.pageRequests = n;
    if (source === 'mastodon') {
      const statuses = page.items.map((i) => mastodonStatus(String(109000000000900000n - BigInt(i)), 'mastodon.social', { created_at: at(i).toISOString() }));
      const link: Record<string, string> = page.next ? { link: `<https://upstream.example${url.pathname}?max_id=${encodeURIComponent(page.next)}>; rel="next"` } : {};
      return json(statuses, 200, link);
    }
    if (source === 'x') {
      const data = page.items.map((i) => xTweet(at(i), i % 4096));
      return json({ data, includes: { users: xUsers }, meta: { result_count: data.length, ...(page.next ? { next_token: page.next } : {}) } });
    }
    if (source === 'reddit') {
      const children = page.items.map((i) => ({ kind: 't3', data: redditLink(2_000_000_000 - i, Math.floor(at(i).getTime() / 1000)) }));
      return json({ kind: 'Listing', data: { after: page.next ?? null, dist: children.length, children, before: null } });
    }
    const posts = page.items.map((i) => blueskyPost(`3lloop${String(i).padStart(7, '0')}`, at(i)));
    return json({ posts, ...(page.next ? { cursor: page.next } : {}) });
  });
  const fake = Object.assign(server, { pageRequests: 0 });
  return fake;
}
