import type { IncomingMessage } from 'node:http';
import { compareBase36 } from '../reddit/api.ts';
import { readBody } from './fake-bluesky.ts';
import type { LinkJson } from './fixtures-reddit.ts';
import { json, startServer, type FaultPlan, type ReplayServer } from './server.ts';

export interface FakeRedditOptions {
  clientId: string;
  clientSecret: string;
  links: () => LinkJson[];
  /** Subreddits that answer 403 private. */
  privateSubs?: string[];
  /** Misbehave: each listing echoes the access token it was asked with, in its first link's title and text. */
  echoToken?: boolean;
  faults?: FaultPlan;
}

/** Reddit's `X-Ratelimit-*` headers: used, remaining (a float), and seconds until reset. */
export const redditLimits = (used: number) => ({
  'x-ratelimit-used': String(used),
  'x-ratelimit-remaining': `${(600 - used).toFixed(1)}`,
  'x-ratelimit-reset': '300',
});

/**
 * Speaks Reddit's app-only OAuth (`POST /api/v1/access_token`, HTTP basic client credentials,
 * `grant_type=client_credentials`) and `GET /r/{sub}/new` (bearer token; `limit` ≤ 100, `after`
 * fullname paging), with Reddit's error bodies: 401 `{"message": "Unauthorized", "error": 401}`,
 * 403 private, and 429 — one server plays both www.reddit.com and oauth.reddit.com.
 */
export async function startFakeReddit(o: FakeRedditOptions): Promise<ReplayServer & { tokens: number; issued: string[] }> {
  const tokens = new Set<string>();
  let used = 0;
  const server = await startServer(async (url, req: IncomingMessage) => {
    if (url.pathname === '/api/v1/access_token' && req.method === 'POST') {
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
      const form = new URLSearchParams(await readBody(req));
      if (id !== o.clientId || secret !== o.clientSecret) return json({ message: 'Unauthorized', error: 401 }, 401);
      if (form.get('grant_type') !== 'client_credentials') return json({ error: 'unsupported_grant_type' }, 200);
      const token = `eyJhbGciOiJSUzI1NiJ9.app-${tokens.size + 1}`;
      tokens.add(token);
      fake.tokens += 1;
      fake.issued.push(token);
      return json({ access_token: token, token_type: 'bearer', expires_in: 86400, scope: '*' });
    }
    if (url.pathname === '/api/info') {
      // By fullname (`id=t3_a,t3_b`, up to 100): a Listing of the links that exist, in the order
      // asked; a deleted link is still listed, with `removed_by_category` set and its text gone.
      const t = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!t || !tokens.has(t)) return json({ message: 'Unauthorized', error: 401 }, 401, redditLimits(used));
      used += 1;
      const names = (url.searchParams.get('id') ?? '').split(',').filter(Boolean);
      if (names.length > 100) return json({ message: 'Bad Request', error: 400 }, 400, redditLimits(used));
      const byId = new Map(o.links().map((l) => [`t3_${l.id}`, l]));
      const page = names.flatMap((n) => (byId.has(n) ? [byId.get(n)!] : []));
      return json(
        { kind: 'Listing', data: { after: null, dist: page.length, modhash: '', geo_filter: '', children: page.map((data) => ({ kind: 't3', data })), before: null } },
        200,
        redditLimits(used),
      );
    }
    const m = /^\/r\/([A-Za-z0-9_]+)\/new\/?$/.exec(url.pathname);
    if (!m) return json({ message: 'Not Found', error: 404 }, 404);
    const t = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!t || !tokens.has(t)) return json({ message: 'Unauthorized', error: 401 }, 401, redditLimits(used));
    used += 1;
    const sub = m[1]!.toLowerCase();
    if (o.privateSubs?.includes(sub)) return json({ reason: 'private', message: 'Forbidden', error: 403 }, 403, redditLimits(used));
    const p = url.searchParams;
    const limit = Math.min(Number(p.get('limit') ?? 25), 100);
    const after = p.get('after')?.replace(/^t3_/, '');
    const all = o
      .links()
      .filter((l) => l.subreddit.toLowerCase() === sub)
      .sort((a, b) => compareBase36(b.id, a.id))
      .filter((l) => !after || compareBase36(l.id, after) < 0);
    const page = all.slice(0, limit);
    if (o.echoToken && page.length) {
      const echo = `(debug: token ${t})`;
      const first = page[0]!;
      page[0] = { ...first, title: `${String(first.title)} ${echo}`, selftext: `${String(first.selftext)} ${echo}`, selftext_html: `<div class="md"><p>${String(first.selftext)} ${echo}</p></div>` };
    }
    const more = all.length > limit;
    return json(
      {
        kind: 'Listing',
        data: {
          after: more ? `t3_${page.at(-1)!.id}` : null,
          dist: page.length,
          modhash: '',
          geo_filter: '',
          children: page.map((data) => ({ kind: 't3', data })),
          before: null,
        },
      },
      200,
      redditLimits(used),
    );
  }, o.faults);
  const fake = Object.assign(server, { tokens: 0, issued: [] as string[] });
  return fake;
}
