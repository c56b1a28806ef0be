const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30d`, `12h`, `90m`, `2w` → milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  // Beyond this the arithmetic on it is no longer exact (and no date is that far back).
  return Number.isSafeInteger(ms) ? ms : null;
}

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

/** `2026-11-01` (optionally with a time): a calendar date that exists, or null. */
function parseDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // `new Date` rolls 2026-02-31 over into March and rejects only what it cannot roll over.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Why a `since` setting cannot be used, or null when it can: an ISO date that exists, or a
 * duration that reaches back to a representable instant.
 */
export function sinceProblem(text: string): string | null {
  const t = text.trim();
  if (/^\d+\s*[mhdw]$/.test(t)) {
    const ms = parseDuration(t);
    return ms !== null && !Number.isNaN(new Date(Date.now() - ms).getTime()) ? null : `"${t}" reaches back further than any date`;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) return parseDate(t) ? null : `"${t}" is not a date (expected YYYY-MM-DD, e.g. 2026-11-01)`;
  return 'expected an ISO date (2026-11-01) or a duration (30d, 12h)';
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
