import type { IncomingMessage } from 'node:http';
import type { PostViewJson } from './fixtures-bluesky.ts';
import { json, startServer, type FaultPlan, type Reply, type ReplayServer } from './server.ts';

export interface FakeBlueskyOptions {
  handle: string;
  password: string;
  posts: () => PostViewJson[];
  /** Searches an access token serves before the server answers `ExpiredToken` (default: unlimited). */
  accessUses?: number;
  /** Refreshes a refresh token allows before it expires too (default: unlimited). */
  refreshUses?: number;
  /**
   * Misbehave: each search page echoes the session it was asked with (the access token and its
   * refresh token) in a `debug` field and in the text of its first post.
   */
  echoSession?: boolean;
  faults?: FaultPlan;
}

export interface FakeBluesky extends ReplayServer {
  logins: number;
  refreshes: number;
  /** Every access and refresh token issued, in order. */
  issued: string[];
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const bearer = (req: IncomingMessage) => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** Bluesky's `RateLimit-*` headers (IETF draft names, reset in epoch seconds). */
const limits = (remaining: number) => ({
  'ratelimit-limit': '3000',
  'ratelimit-remaining': String(remaining),
  'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 300),
  'ratelimit-policy': '3000;w=300',
});

/**
 * A post's `sortAt` as the AppView computes it (the earlier of `createdAt` and `indexedAt`),
 * reading only what is a date, so that a test can serve a post whose other date is garbage.
 */
function sortAtOf(post: PostViewJson): string {
  const times = [post.indexedAt, post.record.createdAt]
    .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)))
    .map((t) => new Date(t).toISOString());
  return times.sort()[0] ?? '';
}

/**
 * Speaks the XRPC subset the source uses, like a PDS that proxies to the AppView:
 * `com.atproto.server.createSession` (JSON identifier + password), `refreshSession` (refresh
 * token as bearer), and `app.bsky.feed.searchPosts` (`q`, `sort=latest`, `since`, `until`,
 * `limit`, `cursor`), with Bluesky's error bodies: `AuthenticationRequired` 401,
 * `ExpiredToken` 400, `InvalidToken`, `AuthMissing` 401, `RateLimitExceeded` 429.
 */
export async function startFakeBluesky(o: FakeBlueskyOptions): Promise<FakeBluesky> {
  const access = new Map<string, number>(); // token → searches left
  const refresh = new Map<string, number>();
  const refreshOf = new Map<string, string>(); // access token → its refresh token
  let n = 0;
  const issue = () => {
    n += 1;
    const a = `eyJ.access-${n}.sig`;
    const r = `eyJ.refresh-${n}.sig`;
    access.set(a, o.accessUses ?? Number.POSITIVE_INFINITY);
    refresh.set(r, o.refreshUses ?? Number.POSITIVE_INFINITY);
    refreshOf.set(a, r);
    fake.issued.push(a, r);
    return { accessJwt: a, refreshJwt: r, handle: o.handle, did: 'did:plc:testtesttesttesttesttest', active: true, email: 'me@example.com', emailConfirmed: true };
  };
  let remaining = 3000;
  /** Spends one use of the request's access token: the token, or Bluesky's error when it has none to spend. */
  const spend = (req: IncomingMessage): string | Reply => {
    const t = bearer(req);
    if (!t) return json({ error: 'AuthMissing', message: 'Authentication Required' }, 401);
    const left = access.get(t);
    if (left === undefined) return json({ error: 'InvalidToken', message: 'Bad token scope' }, 400);
    if (left <= 0) return json({ error: 'ExpiredToken', message: 'Token has expired' }, 400);
    access.set(t, left - 1);
    remaining -= 1;
    return t;
  };
  const server = (await startServer(async (url, req) => {
    const path = url.pathname;
    if (path === '/xrpc/com.atproto.server.createSession' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { identifier?: string; password?: string };
      if (body.identifier !== o.handle || body.password !== o.password) {
        return json({ error: 'AuthenticationRequired', message: 'Invalid identifier or password' }, 401, limits(remaining));
      }
      fake.logins += 1;
      return json(issue(), 200, limits(remaining));
    }
    if (path === '/xrpc/com.atproto.server.refreshSession' && req.method === 'POST') {
      const t = bearer(req);
      const left = t ? refresh.get(t) : undefined;
      if (left === undefined) return json({ error: 'InvalidToken', message: 'Token could not be verified' }, 400);
      if (left <= 0) return json({ error: 'ExpiredToken', message: 'Token has expired' }, 400);
      refresh.delete(t!);
      fake.refreshes += 1;
      return json(issue(), 200);
    }
    if (path === '/xrpc/app.bsky.feed.searchPosts') {
      const t = spend(req);
      if (typeof t !== 'string') return t;
      const p = url.searchParams;
      const q = p.get('q');
      if (!q) return json({ error: 'InvalidRequest', message: 'Error: Params must have the property "q"' }, 400);
      const limit = Number(p.get('limit') ?? 25);
      if (!(limit >= 1 && limit <= 100)) return json({ error: 'InvalidRequest', message: 'Error: limit can not be greater than 100' }, 400);
      const since = p.get('since');
      const until = p.get('until');
      const words = q.toLowerCase().split(/\s+/).filter(Boolean);
      const matched = o
        .posts()
        .map((post) => ({ post, sortAt: sortAtOf(post) }))
        .filter(({ post }) => {
          const facetTags = ((post.record.facets as { features: { tag?: string }[] }[] | undefined) ?? []).flatMap((f) => f.features.map((x) => `#${x.tag ?? ''}`.toLowerCase()));
          const hay = post.record.text.toLowerCase();
          return words.every((w) => hay.includes(w) || facetTags.includes(w));
        })
        .filter(({ sortAt }) => (!since || sortAt >= new Date(since).toISOString()) && (!until || sortAt < new Date(until).toISOString()))
        .sort((a, b) => (a.sortAt < b.sortAt ? 1 : a.sortAt > b.sortAt ? -1 : a.post.uri < b.post.uri ? 1 : -1));
      const offset = Number(p.get('cursor') ?? 0);
      const slice = matched.slice(offset, offset + limit).map((m) => m.post);
      const next = offset + limit < matched.length ? String(offset + limit) : undefined;
      if (o.echoSession && slice.length) {
        const echo = `session ${t} ${refreshOf.get(t) ?? ''}`;
        slice[0] = { ...slice[0]!, record: { ...slice[0]!.record, text: `${slice[0]!.record.text} [${echo}]` } };
        return json({ posts: slice, ...(next ? { cursor: next } : {}), hitsTotal: matched.length, debug: { authorization: req.headers.authorization, accessJwt: t } }, 200, limits(remaining));
      }
      return json({ posts: slice, ...(next ? { cursor: next } : {}), hitsTotal: matched.length }, 200, limits(remaining));
    }
    if (path === '/xrpc/app.bsky.feed.getPosts') {
      // `uris` repeated, at most 25; posts that no longer exist are left out of `posts`.
      const t = spend(req);
      if (typeof t !== 'string') return t;
      const uris = url.searchParams.getAll('uris');
      if (!uris.length) return json({ error: 'InvalidRequest', message: 'Error: Params must have the property "uris"' }, 400);
      if (uris.length > 25) return json({ error: 'InvalidRequest', message: 'Error: uris must not have more than 25 elements' }, 400);
      const byUri = new Map(o.posts().map((p) => [p.uri, p]));
      const posts = uris.flatMap((u) => (byUri.has(u) ? [byUri.get(u)!] : []));
      if (o.echoSession && posts.length) {
        posts[0] = { ...posts[0]!, record: { ...posts[0]!.record, text: `${posts[0]!.record.text} [session ${t} ${refreshOf.get(t) ?? ''}]` } };
      }
      return json({ posts }, 200, limits(remaining));
    }
    return json({ error: 'MethodNotImplemented', message: 'Method Not Implemented' }, 501);
  }, o.faults)) as FakeBluesky;
  const fake = Object.assign(server, { logins: 0, refreshes: 0, issued: [] as string[] });
  return fake;
}
