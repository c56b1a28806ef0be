import { describeError } from '@social-pulse/runtime';
import type { QueryCursor } from './cursor.ts';
import { FUTURE_TOLERANCE_MS } from './guard.ts';
import { fetchedPage } from './page.ts';
import { DEFAULT_MAX_PAGES } from './specs/entry.ts';
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
  /**
   * Why the query stopped: it caught up, spent its item limit or its page cap (the rest waits
   * for the next run), met a server whose paging goes round in circles, or failed.
   */
  stoppedBy: 'caught-up' | 'limit' | 'page-cap' | 'loop' | 'error' | 'malformed';
  cursor: QueryCursor;
}

export interface ScrapeQueryOptions {
  since: Date;
  limit?: number;
  /** Most pages the query may fetch in this run (default DEFAULT_MAX_PAGES). */
  maxPages?: number;
  /** Lands the page in the raw zone; called before the cursor moves past it. */
  land(page: FetchedPage): Promise<void>;
  /** Persists the cursor; called after every landed page. */
  save(cursor: QueryCursor): Promise<void>;
}

/**
 * The pages of one window, newest first: the one paging loop of every source (as dlt's
 * rest_api client drives its paginators). The source says what to send and its paginator
 * where the next page is; each page is read as it comes, and the window ends when the
 * paginator sees no more.
 */
export async function* windowPages(source: Source, query: SourceQuery, window: Window, ctx: FetchContext): AsyncGenerator<FetchedPage> {
  const paging = source.paging(query, window, ctx);
  if (!paging) return;
  const reader = { normalize: source.normalize.bind(source), keys: paging.keys, paginator: paging.paginator };
  for (;;) {
    const page = fetchedPage(source.name, query, await paging.send(paging.paginator.params()), ctx, reader);
    yield page;
    if (!page.hasMore) return;
  }
}

/** A server-chosen value as a problem line shows it: quoted, and short. */
const shown = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

/**
 * Runs one query of one source: first the head window (everything newer than the last
 * run's high-water mark), then any gaps left by earlier runs, newest first, until the
 * query has caught up, reached `since`, spent its limit or its page cap, or its server is
 * found paging in circles (a next-page cursor sent twice in a window, a page of nothing but
 * items this run already landed).
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
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  // Keys landed by this run of the query: a page of nothing else means the server is serving
  // the same items again under new cursors, and following it would never end.
  const landedKeys = new Set<string>();
  const sinceIso = opts.since.toISOString();
  // An item dated after the fetch (a broken or hostile timestamp) is rejected by the guard; its key
  // must not become the high-water mark either, or every later run would ask only for the future.
  const horizonIso = new Date(ctx.now().getTime() + FUTURE_TOLERANCE_MS).toISOString();

  // The head is tracked as a gap at the front of the list from its first page on, so that
  // a stop in the middle of it leaves exactly the unfetched range behind.
  type Run = { window: Window; gap?: (typeof cursor.gaps)[number]; head: boolean };
  const runs: Run[] = [{ window: { above: cursor.high }, head: true }];
  for (const g of cursor.gaps) runs.push({ window: { below: g.below, above: g.above }, gap: g, head: false });

  const capReached = () => {
    out.stoppedBy = 'page-cap';
    out.problems.push(`${query.label}: stopped at ${maxPages} pages (maxPages); the rest waits for the next run`);
    return out;
  };

  for (const run of runs) {
    if (remaining <= 0) {
      out.stoppedBy = 'limit';
      break;
    }
    if (out.pages >= maxPages) return capReached();
    const w: Window & { remaining: number; since: Date } = { ...run.window, remaining, since: opts.since };
    let pagesInRun = 0;
    // Next-page references the server sent in this window: one sent twice is a loop (A → A, A → B → A).
    const sentNext = new Set<string>();
    let loop: string | undefined;
    try {
      for await (const page of windowPages(source, query, w, ctx)) {
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
        if (page.keys.length > 0 && page.keys.every((k) => landedKeys.has(k.key))) {
          loop = `page ${out.pages} held only items already fetched in this run`;
        } else if (page.next !== undefined && sentNext.has(page.next)) {
          loop = `the server sent the next-page cursor ${shown(page.next)} twice`;
        }
        if (loop) break;
        for (const k of page.keys) landedKeys.add(k.key);
        if (page.next !== undefined) sentNext.add(page.next);
        if (out.pages >= maxPages) return capReached();
      }
      if (loop) {
        // The page landed and the cursor kept its place: the next run tries again, within its own cap.
        out.stoppedBy = 'loop';
        out.problems.push(`${query.label}: paging stopped after ${out.pages} pages: ${loop}`);
        return out;
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
