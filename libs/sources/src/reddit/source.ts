import { HttpError, PulseError, registerSecrets, type HttpResponse } from '@social-pulse/runtime';
import { fetchedPage } from '../page.ts';
import { isoFromSeconds } from '../time.ts';
import { cursorParam } from '../paginators.ts';
import type { FetchContext, Keyed, Paging, Source, SourceQuery, Window } from '../types.ts';
import { compareBase36, tokenResponse } from './api.ts';
import { normalizeReddit } from './normalize.ts';
import type { reddit } from './index.ts';
import type { ConfigOf } from '../specs/define.ts';

/** A configuration entry of Reddit. */
type RedditSourceConfig = ConfigOf<typeof reddit>;

const DEFAULT_AUTH = 'https://www.reddit.com';
const DEFAULT_BASE = 'https://oauth.reddit.com';
const PAGE_MAX = 100;

/**
 * Reddit's `/r/{sub}/new` through OAuth (an app-only `client_credentials` token from
 * `/api/v1/access_token`), newest first, paged with `after` (the fullname of the last item).
 * A window's upper bound is an `after` too: Reddit has no lower-bound parameter, so paging
 * stops when it reaches the newest post of the last run. The HTTP client obeys the
 * `X-Ratelimit-*` headers; the token stays in memory and is renewed when Reddit answers 401.
 */
export class RedditSource implements Source<RedditSourceConfig> {
  readonly name = 'reddit' as const;
  private token: { value: string; expires: number } | undefined;

  constructor(readonly config: RedditSourceConfig) {}

  private get base(): string {
    return (this.config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
  }

  queries(): SourceQuery[] {
    return this.config.subreddits.map((s) => ({ key: `r/${s.toLowerCase()}`, label: `r/${s}` }));
  }

  compareKeys(a: string, b: string): number {
    return compareBase36(a, b);
  }

  normalize = normalizeReddit;

  private async accessToken(ctx: FetchContext, renew = false): Promise<string> {
    if (!renew && this.token && this.token.expires > ctx.now().getTime()) return this.token.value;
    const id = ctx.env.REDDIT_CLIENT_ID?.trim() ?? '';
    const secret = ctx.env.REDDIT_CLIENT_SECRET?.trim() ?? '';
    const auth = (this.config.authUrl ?? DEFAULT_AUTH).replace(/\/+$/, '');
    const basic = Buffer.from(`${id}:${secret}`).toString('base64');
    // The encoded pair is a credential too, should a server echo the header it was sent.
    registerSecrets([basic]);
    let res: HttpResponse;
    try {
      res = await ctx.http.post(`${auth}/api/v1/access_token`, {
        headers: { authorization: `Basic ${basic}` },
        form: { grant_type: 'client_credentials' },
      });
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
        throw new PulseError(`Reddit refused the app credentials (HTTP ${e.status}): check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (reddit.com/prefs/apps)`, 1, { cause: e });
      }
      throw e;
    }
    const body = JSON.parse(res.body) as unknown;
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) {
      const err = (body as { error?: unknown })?.error;
      throw new PulseError(`Reddit gave no access token${typeof err === 'string' ? ` (${err})` : ''}: check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET`);
    }
    registerSecrets([parsed.data.access_token]);
    // Renew a minute early rather than send a request with a token about to lapse.
    this.token = { value: parsed.data.access_token, expires: ctx.now().getTime() + (parsed.data.expires_in - 60) * 1000 };
    return this.token.value;
  }

  async get(ctx: FetchContext, path: string, params: Record<string, string | number | undefined>): Promise<HttpResponse> {
    const call = (token: string) => ctx.http.get(`${this.base}${path}`, { headers: { authorization: `Bearer ${token}` }, searchParams: params });
    try {
      return await call(await this.accessToken(ctx));
    } catch (e) {
      if (!(e instanceof HttpError) || e.status !== 401) throw e;
      ctx.log.info('reddit: access token refused, fetching a new one');
      return call(await this.accessToken(ctx, true));
    }
  }

  async check(ctx: FetchContext): Promise<string> {
    const q = this.queries()[0]!;
    const res = await this.get(ctx, `/${q.label}/new`, { limit: 1, raw_json: 1 });
    const n = fetchedPage('reddit', q, res, ctx, { normalize: this.normalize, keys: () => [] }).normalized;
    if (n.pageError) throw new PulseError(`${q.label}: ${n.pageError}`);
    return `token granted; ${q.label} answers (${String(res.headers['x-ratelimit-remaining'] ?? '?')} requests left in the window)`;
  }

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging {
    return {
      paginator: cursorParam('after', (body) => (body as { data: { after?: unknown } }).data.after, window.below !== undefined ? `t3_${window.below}` : undefined),
      send: (paging) =>
        this.get(ctx, `/${query.label}/new`, {
          limit: Math.max(1, Math.min(PAGE_MAX, window.remaining ?? PAGE_MAX)),
          ...paging,
          raw_json: 1,
        }),
      keys: (body) =>
        (body as { data: { children: { kind: string; data: unknown }[] } }).data.children.flatMap((c): Keyed[] => {
          const { id, created_utc } = (c?.data ?? {}) as { id?: unknown; created_utc?: unknown };
          const at = isoFromSeconds(created_utc);
          return c?.kind === 't3' && typeof id === 'string' && at ? [{ key: id, createdAt: at }] : [];
        }),
    };
  }
}
