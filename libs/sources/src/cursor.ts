/**
 * Incremental state of one query, dlt-style: `high` is the newest key ever landed, and
 * `gaps` are key ranges not yet fetched (left by a run that hit its limit, or crashed).
 * Because the engine saves this after every landed page, a run that stops anywhere is
 * resumed by the next one without losing or refetching a page.
 */
export interface Gap {
  /** Fetch items older than this key… */
  below: string;
  /** …down to (not including) this key; undefined: down to `since`. */
  above?: string;
}

export interface QueryCursor {
  high?: string;
  gaps: Gap[];
}

export const emptyCursor = (): QueryCursor => ({ gaps: [] });

/** Numeric ids (Mastodon, Reddit base36 excluded) compare as numbers; anything else as text. */
export function compareIds(a: string, b: string): number {
  const num = /^\d+$/;
  if (num.test(a) && num.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
