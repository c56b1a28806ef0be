import { sleep } from '../page.ts';
import { pageSlices, timeKey } from '../paginators.ts';
import { isoFromSeconds } from '../time.ts';
import type { FetchContext, Keyed, Paging, Source, SourceQuery, Window } from '../types.ts';
import { wrapper } from './api.ts';
import { normalizeStackexchange } from './normalize.ts';
import type { stackexchange } from './index.ts';
import type { ConfigOf } from '../specs/define.ts';

/** A configuration entry of Stackexchange. */
type StackexchangeSourceConfig = ConfigOf<typeof stackexchange>;

const DEFAULT_BASE = 'https://api.stackexchange.com';
const PAGE_SIZE = 100;
/** Pages past 25 need an app key or token: walk deeper in `todate` slices instead. */
const PAGE_DEPTH = 25;

/** Paging key: creation time then id (see timeKey). */
export const seKey = (creationDate: number, id: number) => timeKey(creationDate, id);
/** An id that fits the key's 12 digits (a longer one would sort as newer than every real question). */
const isKeyId = (id: unknown): id is number => Number.isSafeInteger(id) && (id as number) > 0 && (id as number) < 1e12;

/**
 * Stack Exchange questions by tag (`GET /2.3/questions?tagged=…&sort=creation`), newest first.
 * A window maps onto `fromdate`/`todate` (both inclusive, seconds; the engine drops the
 * overlap). The API's `backoff` field is honoured before the next call, and a low
 * `quota_remaining` is reported. `STACKEXCHANGE_KEY` is optional: it raises the daily quota
 * and is sent in the Authorization header, never in a URL.
 */
export class StackexchangeSource implements Source<StackexchangeSourceConfig> {
  readonly name = 'stackexchange' as const;
  /** When the API allows the next call (its `backoff` applies per method; we call one). */
  private notBefore = 0;

  constructor(readonly config: StackexchangeSourceConfig) {}

  private get base(): string {
    return (this.config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
  }

  queries(): SourceQuery[] {
    return this.config.tags.map((t) => ({ key: `${this.config.site} [${t}]`, label: t }));
  }

  compareKeys(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  normalize = normalizeStackexchange;

  async call(ctx: FetchContext, params: Record<string, string | number | undefined>, path = '/2.3/questions') {
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      ctx.log.info(`stackexchange: backoff requested by the API, waiting ${Math.ceil(wait / 1000)} s`);
      await sleep(wait, ctx.signal);
    }
    const key = ctx.env.STACKEXCHANGE_KEY?.trim();
    const res = await ctx.http.get(`${this.base}${path}`, {
      ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
      searchParams: { site: this.config.site, order: 'desc', sort: 'creation', filter: 'withbody', ...params },
    });
    try {
      const body = JSON.parse(res.body) as { backoff?: unknown };
      if (typeof body.backoff === 'number' && body.backoff > 0) this.notBefore = Date.now() + body.backoff * 1000;
    } catch {
      // not JSON: the page is kept and reported as malformed by the normalizer
    }
    return res;
  }

  async check(ctx: FetchContext): Promise<string> {
    const res = await this.call(ctx, { tagged: this.config.tags[0], pagesize: 1 });
    const body = wrapper.parse(JSON.parse(res.body));
    return `${this.config.site} answers; quota ${body.quota_remaining ?? '?'} of ${body.quota_max ?? '?'} requests left today${ctx.env.STACKEXCHANGE_KEY?.trim() ? ' (with key)' : ' (no key: set STACKEXCHANGE_KEY for 10,000 a day)'}`;
  }

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging {
    return {
      paginator: pageSlices(window, {
        first: 1,
        read: (body, page) => ({ more: (body as { has_more: boolean }).has_more === true, sliceEnds: page >= PAGE_DEPTH }),
        params: (page, fromdate, todate) => ({ page, fromdate, todate }),
      }),
      send: ({ page, fromdate, todate }) =>
        this.call(ctx, { tagged: query.label, pagesize: Math.max(1, Math.min(PAGE_SIZE, window.remaining ?? PAGE_SIZE)), page, fromdate, todate }),
      keys: (body) =>
        (body as { items: unknown[] }).items.flatMap((q): Keyed[] => {
          const { question_id, creation_date } = (q ?? {}) as { question_id?: unknown; creation_date?: unknown };
          const at = isoFromSeconds(creation_date);
          return isKeyId(question_id) && at ? [{ key: seKey(creation_date as number, question_id as number), createdAt: at }] : [];
        }),
    };
  }
}
