import { HttpError, PulseError, registerSecrets, type HttpResponse } from '@social-pulse/runtime';
import { cursorParam } from '../paginators.ts';
import type { FetchContext, Keyed, Paging, Source, SourceQuery, Window } from '../types.ts';
import { searchPostsOutput, session as sessionSchema, type Session } from './api.ts';
import { blueskyKey, normalizeBluesky } from './normalize.ts';
import type { bluesky } from './index.ts';
import type { ConfigOf } from '../specs/define.ts';

/** A configuration entry of Bluesky. */
type BlueskySourceConfig = ConfigOf<typeof bluesky>;

/** The PDS of most accounts: it logs in and proxies `app.bsky.*` reads to the AppView. */
const DEFAULT_BASE = 'https://bsky.social';
const PAGE_MAX = 100;

/** The XRPC error name of a failed call (`ExpiredToken`, `InvalidToken`, …), if the body has one. */
export function xrpcErrorName(e: unknown): string | undefined {
  if (!(e instanceof HttpError)) return undefined;
  const body = (e.cause as { response?: { body?: unknown } } | undefined)?.response?.body;
  try {
    const parsed = JSON.parse(typeof body === 'string' ? body : '') as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return /"error"\s*:\s*"(\w+)"/.exec(e.message)?.[1];
  }
}

/**
 * Bluesky post search (`app.bsky.feed.searchPosts`, `sort=latest`), which needs a logged-in
 * session: `createSession` with the handle and an app password, `refreshSession` when the
 * access token expires. Tokens live in this object's memory only, are registered for masking,
 * and are never written anywhere.
 */
export class BlueskySource implements Source<BlueskySourceConfig> {
  readonly name = 'bluesky' as const;
  private session: Session | undefined;
  private login: Promise<Session> | undefined;

  constructor(readonly config: BlueskySourceConfig) {}

  private get base(): string {
    return (this.config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
  }

  queries(): SourceQuery[] {
    // A tag is searched as `#tag` text, not with the `tag` filter: the filter only matches
    // tag facets, and some clients write hashtags without one.
    return [...this.config.tags.map((t) => ({ key: `#${t}`, label: `#${t}` })), ...this.config.queries.map((q) => ({ key: q, label: q }))];
  }

  compareKeys(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  normalize = normalizeBluesky;

  private adopt(res: HttpResponse): Session {
    const s = sessionSchema.parse(JSON.parse(res.body));
    registerSecrets([s.accessJwt, s.refreshJwt]);
    this.session = s;
    return s;
  }

  private async createSession(ctx: FetchContext): Promise<Session> {
    const identifier = ctx.env.BLUESKY_HANDLE?.trim() ?? '';
    const password = ctx.env.BLUESKY_APP_PASSWORD?.trim() ?? '';
    try {
      const res = await ctx.http.post(`${this.base}/xrpc/com.atproto.server.createSession`, { json: { identifier, password } });
      return this.adopt(res);
    } catch (e) {
      const name = xrpcErrorName(e);
      if (name === 'AuthenticationRequired' || name === 'AuthFactorTokenRequired' || (e instanceof HttpError && e.status === 401)) {
        throw new PulseError(
          `Bluesky login as ${identifier} refused (${name ?? 'HTTP 401'}): check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password from Settings → Privacy and security → App passwords)`,
          1,
          { cause: e },
        );
      }
      throw e;
    }
  }

  /** The current session, logging in once per source however many queries run. */
  private async ensureSession(ctx: FetchContext): Promise<Session> {
    if (this.session) return this.session;
    this.login ??= this.createSession(ctx).finally(() => (this.login = undefined));
    return this.login;
  }

  /** After `ExpiredToken`: refresh with the refresh token, or log in again if that has expired too. */
  private async renew(ctx: FetchContext, stale: Session): Promise<Session> {
    if (this.session !== stale) return this.session ?? this.ensureSession(ctx);
    this.session = undefined;
    try {
      const res = await ctx.http.post(`${this.base}/xrpc/com.atproto.server.refreshSession`, {
        headers: { authorization: `Bearer ${stale.refreshJwt}` },
      });
      ctx.log.info('bluesky: session refreshed');
      return this.adopt(res);
    } catch (e) {
      if (!(e instanceof HttpError) || (e.status !== 400 && e.status !== 401)) throw e;
      ctx.log.info('bluesky: refresh token refused, logging in again');
      return this.ensureSession(ctx);
    }
  }

  /** GET an XRPC query with the session, renewing it once when the access token has expired. */
  async xrpc(ctx: FetchContext, method: string, params: Record<string, string | number | undefined>): Promise<HttpResponse> {
    const s = await this.ensureSession(ctx);
    const call = (token: string) => ctx.http.get(`${this.base}/xrpc/${method}`, { headers: { authorization: `Bearer ${token}` }, searchParams: params });
    try {
      return await call(s.accessJwt);
    } catch (e) {
      const name = xrpcErrorName(e);
      if (name !== 'ExpiredToken' && name !== 'InvalidToken') throw e;
      return call((await this.renew(ctx, s)).accessJwt);
    }
  }

  async check(ctx: FetchContext): Promise<string> {
    const q = this.queries()[0]!;
    const res = await this.xrpc(ctx, 'app.bsky.feed.searchPosts', { q: q.key, sort: 'latest', limit: 1 });
    const body = searchPostsOutput.parse(JSON.parse(res.body));
    return `logged in as ${this.session?.handle ?? '?'}; search answers (${body.posts.length ? 'latest post found' : 'no posts yet'} for ${q.label}; ${String(res.headers['ratelimit-remaining'] ?? '?')} requests left in the window)`;
  }

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging {
    const timeOf = (key: string) => key.slice(0, key.indexOf(' '));
    // `since` is inclusive and `until` exclusive on sortAt: reach one millisecond past the
    // upper key so that items sharing its time are seen; the engine drops what is outside.
    const since = window.above !== undefined ? timeOf(window.above) : window.since?.toISOString();
    const until = window.below !== undefined ? new Date(Date.parse(timeOf(window.below)) + 1).toISOString() : undefined;
    return {
      paginator: cursorParam('cursor', (body) => (body as { cursor?: unknown }).cursor),
      send: (paging) =>
        this.xrpc(ctx, 'app.bsky.feed.searchPosts', {
          q: query.key,
          sort: 'latest',
          limit: Math.max(1, Math.min(PAGE_MAX, window.remaining ?? PAGE_MAX)),
          since,
          until,
          ...paging,
        }),
      keys: (body) =>
        (body as { posts: unknown[] }).posts.flatMap((p): Keyed[] => {
          const k = blueskyKey((p ?? {}) as Parameters<typeof blueskyKey>[0]);
          return k ? [k] : [];
        }),
    };
  }
}
