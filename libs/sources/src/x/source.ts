import { compareIds } from '../cursor.ts';
import { cursorParam } from '../paginators.ts';
import { isoTime } from '../time.ts';
import type { FetchContext, Keyed, Paging, Source, SourceQuery, Window } from '../types.ts';
import { snowflakeTime } from './api.ts';
import { normalizeX } from './normalize.ts';
import type { x } from './index.ts';
import type { ConfigOf } from '../specs/define.ts';

/** A configuration entry of X. */
type XSourceConfig = ConfigOf<typeof x>;

const DEFAULT_BASE = 'https://api.x.com';
const PAGE_MIN = 10; // the API refuses max_results below 10
const PAGE_MAX = 100;
/** Recent search reaches back 7 days; stay a minute inside so that a slow request is not refused. */
const REACH_MS = 7 * 24 * 3600_000 - 60_000;

export const FIELDS = {
  expansions: 'author_id,referenced_tweets.id,referenced_tweets.id.author_id',
  'tweet.fields': 'created_at,author_id,conversation_id,in_reply_to_user_id,lang,public_metrics,entities,referenced_tweets,note_tweet,possibly_sensitive,edit_history_tweet_ids',
  'user.fields': 'username,name,public_metrics,verified',
};

/**
 * X API v2 recent search (`GET /2/tweets/search/recent`), newest first, paged with
 * `next_token`. Windows map onto `since_id`/`until_id` (X refuses them together with
 * `start_time`, and refuses ids older than its 7-day reach), so a bound older than that
 * reach is replaced by `start_time`, and a gap wholly beyond it is given up.
 */
export class XSource implements Source<XSourceConfig> {
  readonly name = 'x' as const;
  constructor(readonly config: XSourceConfig) {}

  private get base(): string {
    return (this.config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
  }

  queries(): SourceQuery[] {
    return this.config.queries.map((q) => ({ key: q, label: q }));
  }

  compareKeys(a: string, b: string): number {
    return compareIds(a, b);
  }

  normalize = normalizeX;

  private headers(ctx: FetchContext): Record<string, string> {
    return { authorization: `Bearer ${ctx.env.X_BEARER_TOKEN?.trim() ?? ''}` };
  }

  async check(ctx: FetchContext): Promise<string> {
    const res = await ctx.http.get(`${this.base}/2/tweets/search/recent`, {
      headers: this.headers(ctx),
      searchParams: { query: this.config.queries[0], max_results: PAGE_MIN },
    });
    const body = JSON.parse(res.body) as { meta?: { result_count?: number } };
    return `bearer token accepted; ${body.meta?.result_count ?? 0} recent tweets for "${this.config.queries[0]}" (${String(res.headers['x-rate-limit-remaining'] ?? '?')} requests left in the window)`;
  }

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging | undefined {
    const reachStart = ctx.now().getTime() - REACH_MS;
    const inReach = (id: string | undefined) => id !== undefined && snowflakeTime(id) > reachStart;
    if (window.below !== undefined && !inReach(window.below)) return undefined; // the whole gap is out of reach
    const bounds: Record<string, string | undefined> = {};
    if (inReach(window.above)) bounds.since_id = window.above;
    if (window.below !== undefined) bounds.until_id = window.below;
    if (!bounds.since_id && !bounds.until_id) {
      const from = Math.max(reachStart, window.since?.getTime() ?? reachStart);
      bounds.start_time = new Date(from).toISOString();
    }
    return {
      paginator: cursorParam('next_token', (body) => (body as { meta?: { next_token?: unknown } }).meta?.next_token),
      send: (paging) =>
        ctx.http.get(`${this.base}/2/tweets/search/recent`, {
          headers: this.headers(ctx),
          searchParams: {
            query: query.key,
            max_results: Math.max(PAGE_MIN, Math.min(PAGE_MAX, window.remaining ?? PAGE_MAX)),
            sort_order: 'recency',
            ...FIELDS,
            ...bounds,
            ...paging,
          },
        }),
      keys: (body) =>
        ((body as { data?: unknown[] }).data ?? []).flatMap((t): Keyed[] => {
          const { id, created_at } = (t ?? {}) as { id?: unknown; created_at?: unknown };
          const at = typeof created_at === 'string' ? isoTime(created_at) : undefined;
          return typeof id === 'string' && /^\d+$/.test(id) && at ? [{ key: id, createdAt: at }] : [];
        }),
    };
  }
}
