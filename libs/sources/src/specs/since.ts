/**
 * Durations and dates as configuration files write them (`30d`, `2026-11-01`). They live
 * here, beside the settings every source entry accepts (`since`), because libs/config builds
 * its schema on this light entry of libs/sources (`@social-pulse/sources/specs`);
 * libs/config re-exports them.
 */
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30d`, `12h`, `90m`, `2w` → milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  // Beyond this the arithmetic on it is no longer exact (and no date is that far back).
  return Number.isSafeInteger(ms) ? ms : null;
}

/** `2026-11-01` (optionally with a time): a calendar date that exists, or null. */
export function parseDate(text: string): Date | null {
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
