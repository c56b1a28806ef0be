import { z } from 'zod';

// Paging keys of the sources that page by time (Hacker News, Stack Exchange) zero-pad epoch
// seconds to 11 digits so that keys sort as text; a time beyond that (the year 5138) is not a
// post's time but a broken or hostile field, and would sort wrong.
const MAX_EPOCH_SECONDS = 99_999_999_999;

/** ISO time of a date string or epoch milliseconds; undefined when it is not a time a Date can hold. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  // The lake writer runs this on every post, often twice on the same value (an item schema's
  // check, then the normalizer): the common case costs no Date, and a repeat nothing.
  if (typeof value === 'string' && isCanonical(value)) return value;
  if (value === last.value) return last.iso;
  const t = new Date(typeof value === 'number' ? value : Date.parse(value));
  // An epoch beyond ±8.64e15 ms makes an Invalid Date, whose toISOString() throws.
  const iso = Number.isNaN(t.getTime()) ? undefined : t.toISOString();
  last.value = value;
  last.iso = iso;
  return iso;
}

/** The last value {@link isoTime} converted the slow way, and its result. */
const last: { value: unknown; iso: string | undefined } = { value: undefined, iso: undefined };

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `s` is already what `new Date(Date.parse(s)).toISOString()` gives back:
 * `YYYY-MM-DDTHH:MM:SS.sssZ` with every field in range. (A day past the month's end or hour
 * 24, which Date.parse reads as the next day, and anything else go the slow way.)
 */
function isCanonical(s: string): boolean {
  if (s.length !== 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return false;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60 && digits(s, 20, 3) >= 0;
}

/** The decimal number of `len` digits at `at` in `s`; -1 if one is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let j = at; j < at + len; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
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
