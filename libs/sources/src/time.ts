import { z } from 'zod';

// Paging keys of the sources that page by time (Hacker News, Stack Exchange) zero-pad epoch
// seconds to 11 digits so that keys sort as text; a time beyond that (the year 5138) is not a
// post's time but a broken or hostile field, and would sort wrong.
const MAX_EPOCH_SECONDS = 99_999_999_999;

/** ISO time of a date string or epoch milliseconds; undefined when it is not a time a Date can hold. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const t = new Date(typeof value === 'number' ? value : Date.parse(value));
  // An epoch beyond ±8.64e15 ms makes an Invalid Date, whose toISOString() throws.
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** ISO time of epoch seconds; undefined when the value cannot be a post's time. */
export function isoFromSeconds(value: unknown): string | undefined {
  if (typeof value !== 'number' || !(value > 0) || value > MAX_EPOCH_SECONDS) return undefined;
  return isoTime(value * 1000);
}

/** Shown in a rejection reason: enough of a value to recognise it, never a whole hostile field. */
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v));

/** A date string as an API field (ISO 8601 or anything `Date.parse` reads, within a Date's range). */
export const dateString = () =>
  z.string().refine((s) => isoTime(s) !== undefined, { error: (issue) => `not a date: ${shown(issue.input)}`, abort: true });

/**
 * Epoch seconds as an API field: a value that cannot be a time is an item's error (rejected
 * with its id and this reason), never an exception that would lose the page it came on.
 */
export const epochSeconds = () =>
  z.number().refine((s) => isoFromSeconds(s) !== undefined, {
    error: (issue) => `${shown(issue.input)} is not a time (seconds since 1970)`,
    abort: true,
  });
