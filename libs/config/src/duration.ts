import { parseDate, parseDuration } from '@social-pulse/sources/specs';

export { parseDuration, sinceProblem } from '@social-pulse/sources/specs';

/** Node's timers cannot wait longer than 2^31-1 ms (about 24.8 days): a longer one fires after 1 ms instead. */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/**
 * Why `text` cannot be the interval of `pulse run --every`, or null when it can: a duration
 * from 1m up to the longest a timer can wait. `--every` sleeps between runs on a Node timer,
 * and a longer sleep would end at once: `--every 30d` ran the pipeline back to back.
 */
export function everyProblem(text: string): string | null {
  if (!/^\d+\s*[mhdw]$/.test(text.trim())) return `expected a duration such as 30m or 1h, got "${text}"`;
  const ms = parseDuration(text);
  if (ms === 0) return `"${text}" is no interval: at least 1m`;
  // parseDuration gives null for a number of milliseconds past 2^53: longer still.
  if (ms === null || ms > TIMER_MAX_MS) return `"${text}" is longer than a timer can wait: at most 24d (or 596h, 35791m), 2^31-1 ms`;
  return null;
}

/**
 * Resolve a `since` setting (an ISO date or a duration back from `now`) to an instant.
 * Returns null for text that is neither, so the validator can name the value.
 */
export function resolveSince(text: string, now: Date): Date | null {
  const ms = parseDuration(text);
  if (ms !== null) {
    const d = new Date(now.getTime() - ms);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return parseDate(text);
}

/** The requests an engagement refresh of `source` may make in one run (`refresh.maxRequests`, else the default). */
export function refreshBudget(
  refresh: { enabled: boolean; maxRequests?: number | Partial<Record<string, number | undefined>> | undefined },
  source: string,
  defaults: Record<string, number>,
): number {
  if (!refresh.enabled) return 0;
  const m = refresh.maxRequests;
  if (typeof m === 'number') return m;
  return m?.[source] ?? defaults[source] ?? 0;
}
