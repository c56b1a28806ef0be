import type { HttpResponse } from '@social-pulse/runtime';
import { keptHeaders } from './envelope.ts';
import { nextLink } from './link-header.ts';
import type { Keyed, Window } from './types.ts';

/** Query parameters of a request (an undefined value is left out). */
export type Params = Record<string, string | number | undefined>;

/** What a paginator reads of a page that holds items: the response, its parsed body and its paging keys. */
export interface SeenPage {
  res: HttpResponse;
  body: unknown;
  /** Newest first; never empty (a page without items ends the window). */
  keys: Keyed[];
}

/**
 * How one window of a query pages, as dlt's rest_api paginators do: the paging parameters of
 * the next request, and, after each page, whether another follows. The engine's loop
 * (engine.ts) sends, reads and stops; a paginator only keeps its place.
 */
export interface Paginator {
  /** The paging parameters of the next request. */
  params(): Params;
  /**
   * Reads a page and moves to the next one: `more` is false when the window has no older
   * page; `next` is the reference the next request carries when the server chose it (a
   * cursor, a link), so that the engine can see a server send one twice.
   */
  update(page: SeenPage): { more: boolean; next?: string };
}

/**
 * A cursor the body names (X's `meta.next_token`, Bluesky's `cursor`, Reddit's `data.after`)
 * sent back in the `param` query parameter; no cursor, no more pages. `initial` is the first
 * request's cursor (Reddit starts a gap below a post with `after`).
 */
export function cursorParam(param: string, cursorOf: (body: unknown) => unknown, initial?: string): Paginator {
  let cursor = initial;
  return {
    params: () => ({ [param]: cursor }),
    update: ({ body }) => {
      const next = cursorOf(body);
      if (typeof next !== 'string') return { more: false };
      cursor = next;
      return { more: true, next };
    },
  };
}

/**
 * The `rel="next"` link of the Link header (Mastodon). Only the link's parameters are used,
 * always against the source's own URL: a Link header is input like any other, and behind a
 * proxy it names the upstream's host. `keep` holds parameters the link drops (the window's
 * lower bound).
 */
export function linkHeader(initial: Params, keep: Params = {}): Paginator {
  let params = initial;
  return {
    params: () => params,
    update: ({ res }) => {
      const link = nextLink(keptHeaders(res.headers).link);
      const next = link ? linkParams(link) : undefined;
      if (!next) return { more: false };
      params = { ...next };
      for (const [k, v] of Object.entries(keep)) if (v !== undefined) params[k] = v;
      return { more: true, next: new URLSearchParams(next).toString() };
    },
  };
}

/** The query parameters of a next link (`max_id`, …), or undefined when it is not a URL. */
function linkParams(link: string): Record<string, string> | undefined {
  try {
    return Object.fromEntries(new URL(link, 'http://relative.invalid').searchParams);
  } catch {
    return undefined;
  }
}

/**
 * The paging key of a source that pages by time (Hacker News, Stack Exchange): creation time
 * in epoch seconds, then the id, both zero-padded so that keys sort as text.
 */
export const timeKey = (seconds: number, id: string | number) => `${String(seconds).padStart(11, '0')}:${String(id).padStart(12, '0')}`;
/** The epoch seconds of a {@link timeKey}. */
export const keyTime = (key: string) => Number(key.split(':')[0]);

/**
 * Page numbers within time slices (Hacker News, Stack Exchange), on keys made by
 * {@link timeKey}: an API that serves only so many pages of one query is walked page by page
 * down to its deepest page, then a new slice starts at the oldest item's time (inclusive: the
 * engine drops the overlap) from the first page again. A slice that cannot move its upper
 * bound (more items in one second than the API serves) ends the window. The window's bounds
 * become times: `lower` (inclusive, from `above` or else `since`) and the slice's `upper`.
 */
export function pageSlices(
  window: Window,
  opts: {
    /** The first page's number (Algolia 0, Stack Exchange 1). */
    first: number;
    /** Whether the server has items past this page, and whether this page is the last of its slice. */
    read(body: unknown, page: number): { more: boolean; sliceEnds: boolean };
    /** The request's parameters for a page of a slice (times in epoch seconds, inclusive). */
    params(page: number, lower: number | undefined, upper: number | undefined): Params;
  },
): Paginator {
  const lower = window.above !== undefined ? keyTime(window.above) : window.since ? Math.floor(window.since.getTime() / 1000) : undefined;
  let upper = window.below !== undefined ? keyTime(window.below) : undefined;
  let page = opts.first;
  return {
    params: () => opts.params(page, lower, upper),
    update: ({ body, keys }) => {
      const { more, sliceEnds } = opts.read(body, page);
      if (!more) return { more: false };
      if (!sliceEnds) {
        page += 1;
        return { more: true };
      }
      const nextUpper = keyTime(keys.at(-1)!.key);
      if (upper !== undefined && nextUpper >= upper) return { more: false };
      upper = nextUpper;
      page = opts.first;
      return { more: true };
    },
  };
}
