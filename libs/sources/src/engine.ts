import { describeError } from '@social-pulse/runtime';
import type { QueryCursor } from './cursor.ts';
import { FUTURE_TOLERANCE_MS } from './guard.ts';
import type { FetchContext, FetchedPage, Source, SourceQuery, Window } from './types.ts';

export interface QueryOutcome {
  query: string;
  pages: number;
  /** Items fetched inside the query's windows (what the limit counts). */
  items: number;
  posts: number;
  rejected: number;
  malformedPages: number;
  problems: string[];
  /** Why the query stopped: it caught up, hit its limit, or failed. */
  stoppedBy: 'caught-up' | 'limit' | 'error' | 'malformed';
  cursor: QueryCursor;
}

export interface ScrapeQueryOptions {
  since: Date;
  limit?: number;
  /** Lands the page in the raw zone; called before the cursor moves past it. */
  land(page: FetchedPage): Promise<void>;
  /** Persists the cursor; called after every landed page. */
  save(cursor: QueryCursor): Promise<void>;
}

/**
 * Runs one query of one source: first the head window (everything newer than the last
 * run's high-water mark), then any gaps left by earlier runs, newest first, until the
 * query has caught up, reached `since`, or spent its limit.
 */
export async function scrapeQuery(
  source: Source,
  query: SourceQuery,
  start: QueryCursor,
  ctx: FetchContext,
  opts: ScrapeQueryOptions,
): Promise<QueryOutcome> {
  const cmp = source.compareKeys.bind(source);
  const cursor: QueryCursor = { high: start.high, gaps: start.gaps.map((g) => ({ ...g })) };
  const out: QueryOutcome = {
    query: query.label,
    pages: 0,
    items: 0,
    posts: 0,
    rejected: 0,
    malformedPages: 0,
    problems: [],
    stoppedBy: 'caught-up',
    cursor,
  };
  let remaining = opts.limit ?? Number.POSITIVE_INFINITY;
  const sinceIso = opts.since.toISOString();
  // An item dated after the fetch (a broken or hostile timestamp) is rejected by the guard; its key
  // must not become the high-water mark either, or every later run would ask only for the future.
  const horizonIso = new Date(ctx.now().getTime() + FUTURE_TOLERANCE_MS).toISOString();

  // The head is tracked as a gap at the front of the list from its first page on, so that
  // a stop in the middle of it leaves exactly the unfetched range behind.
  type Run = { window: Window; gap?: (typeof cursor.gaps)[number]; head: boolean };
  const runs: Run[] = [{ window: { above: cursor.high }, head: true }];
  for (const g of cursor.gaps) runs.push({ window: { below: g.below, above: g.above }, gap: g, head: false });

  for (const run of runs) {
    if (remaining <= 0) {
      out.stoppedBy = 'limit';
      break;
    }
    const w: Window & { remaining: number; since: Date } = { ...run.window, remaining, since: opts.since };
    let pagesInRun = 0;
    try {
      for await (const page of source.pages(query, w, ctx)) {
        await opts.land(page);
        pagesInRun += 1;
        out.pages += 1;
        out.posts += page.normalized.posts.length;
        out.rejected += page.normalized.rejected.length;
        for (const r of page.normalized.rejected.slice(0, 3)) out.problems.push(`${query.label}: item ${r.item}: ${r.reason}`);
        for (const warning of page.normalized.warnings?.slice(0, 3) ?? []) out.problems.push(`${query.label}: ${warning}`);
        if (page.normalized.pageError) {
          // The page is kept in the raw zone and counted; paging past it cannot be trusted.
          out.malformedPages += 1;
          out.problems.push(`${query.label}: malformed page ${page.raw.meta.url}: ${page.normalized.pageError}`);
          out.stoppedBy = 'malformed';
          await opts.save(cursor);
          return out;
        }
        const inside = page.keys.filter(
          (k) =>
            (w.above === undefined || cmp(k.key, w.above) > 0) &&
            (w.below === undefined || cmp(k.key, w.below) < 0) &&
            k.createdAt >= sinceIso &&
            k.createdAt <= horizonIso,
        );
        const reachedEnd =
          !page.hasMore ||
          page.keys.some((k) => (w.above !== undefined && cmp(k.key, w.above) <= 0) || k.createdAt < sinceIso);
        out.items += inside.length;
        remaining -= inside.length;
        w.remaining = remaining;
        if (inside.length) {
          const newest = inside.reduce((a, b) => (cmp(a.key, b.key) >= 0 ? a : b)).key;
          const oldest = inside.reduce((a, b) => (cmp(a.key, b.key) <= 0 ? a : b)).key;
          if (run.head && !run.gap) {
            run.gap = { below: oldest, above: cursor.high };
            cursor.gaps.unshift(run.gap);
            if (cursor.high === undefined || cmp(newest, cursor.high) > 0) cursor.high = newest;
          } else if (run.gap && cmp(oldest, run.gap.below) < 0) {
            run.gap.below = oldest;
          }
          w.below = oldest;
        }
        if (reachedEnd && run.gap) cursor.gaps.splice(cursor.gaps.indexOf(run.gap), 1);
        await opts.save(cursor);
        if (reachedEnd) break;
        if (remaining <= 0) {
          out.stoppedBy = 'limit';
          break;
        }
      }
      // A source yields nothing for a gap it can no longer reach (older than the API's
      // search window, as on X): keeping it would only retry the impossible every run.
      if (pagesInRun === 0 && run.gap && !run.head) {
        cursor.gaps.splice(cursor.gaps.indexOf(run.gap), 1);
        out.problems.push(`${query.label}: range below ${run.gap.below} is out of the API's reach, dropped`);
        await opts.save(cursor);
      }
    } catch (e) {
      out.problems.push(`${query.label}: ${describeError(e)}`);
      out.stoppedBy = 'error';
      await opts.save(cursor);
      return out;
    }
  }
  return out;
}
