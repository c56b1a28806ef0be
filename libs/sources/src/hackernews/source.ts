import { pageSlices, timeKey } from '../paginators.ts';
import { isoFromSeconds } from '../time.ts';
import type { FetchContext, Keyed, Paging, Source, SourceQuery, Window } from '../types.ts';
import { searchResponse } from './api.ts';
import { normalizeHackernews } from './normalize.ts';
import type { hackernews } from './index.ts';
import type { ConfigOf } from '../specs/define.ts';

/** A configuration entry of Hacker News. */
type HackernewsSourceConfig = ConfigOf<typeof hackernews>;

const DEFAULT_BASE = 'https://hn.algolia.com';
/** Algolia serves at most this many hits per query, however many pages it reports. */
const HIT_CEILING = 1000;
const PAGE_SIZE = 100;

/** Paging key: creation time then id (see timeKey). */
export const hnKey = (createdAtI: number, objectID: string) => timeKey(createdAtI, objectID);

/**
 * Hacker News through Algolia's `search_by_date`, newest first. Algolia stops at 1,000 hits
 * per query, so a window is walked in slices: when a slice reaches the ceiling, the next one
 * starts at the oldest `created_at_i` seen (inclusive, the overlap deduplicated by key).
 */
export class HackernewsSource implements Source<HackernewsSourceConfig> {
  readonly name = 'hackernews' as const;
  constructor(readonly config: HackernewsSourceConfig) {}

  queries(): SourceQuery[] {
    const tags = this.config.tags.join(',');
    return this.config.queries.map((q) => ({ key: `${q} [${tags}]`, label: q }));
  }

  compareKeys(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  normalize = normalizeHackernews;

  async check(ctx: FetchContext): Promise<string> {
    const base = (this.config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    const res = await ctx.http.get(`${base}/api/v1/search_by_date`, { searchParams: { query: this.config.queries[0], tags: 'story', hitsPerPage: 1 } });
    const body = JSON.parse(res.body) as { nbHits?: number };
    return `Algolia answers: ${body.nbHits ?? '?'} stories match "${this.config.queries[0]}"`;
  }

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging {
    const base = (this.config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    const tags = this.config.tags.length > 1 ? `(${this.config.tags.join(',')})` : this.config.tags[0]!;
    return {
      paginator: pageSlices(window, {
        first: 0,
        read: (body) => {
          const parsed = searchResponse.safeParse(body);
          if (!parsed.success) return { more: false, sliceEnds: true };
          const r = parsed.data;
          const lastPageOfSlice = r.page + 1 >= r.nbPages || (r.page + 1) * r.hitsPerPage >= HIT_CEILING;
          const sliceTruncated = r.nbHits > Math.min(r.nbPages * r.hitsPerPage, HIT_CEILING);
          return { more: !lastPageOfSlice || sliceTruncated, sliceEnds: lastPageOfSlice };
        },
        params: (page, lower, upper) => {
          const filters = [...(lower !== undefined ? [`created_at_i>=${lower}`] : []), ...(upper !== undefined ? [`created_at_i<=${upper}`] : [])];
          return { numericFilters: filters.length ? filters.join(',') : undefined, page };
        },
      }),
      send: ({ numericFilters, page }) =>
        ctx.http.get(`${base}/api/v1/search_by_date`, {
          searchParams: { query: query.label, tags, numericFilters, hitsPerPage: Math.max(1, Math.min(PAGE_SIZE, window.remaining ?? PAGE_SIZE)), page },
        }),
      keys: (body) => {
        const parsed = searchResponse.safeParse(body);
        return (parsed.success ? parsed.data.hits : []).flatMap((h): Keyed[] => {
          const { objectID, created_at_i } = (h ?? {}) as { objectID?: unknown; created_at_i?: unknown };
          const at = isoFromSeconds(created_at_i);
          return typeof objectID === 'string' && objectID.length <= 12 && at ? [{ key: hnKey(created_at_i as number, objectID), createdAt: at }] : [];
        });
      },
    };
  }
}
