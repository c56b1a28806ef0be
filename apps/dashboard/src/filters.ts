import { issueText } from '@social-pulse/schema';
import { SOURCE_NAMES } from '@social-pulse/sources/specs';
import { z } from 'zod';
import type { ViewFilters } from './types.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const HOUR = 3600;
const DAY = 86_400;
const MAX_PERIOD_S = 366 * DAY;

/** `24h`, `7d`, `30d` … → seconds, or null. */
export function periodSeconds(period: string): number | null {
  const m = /^(\d{1,4})([hd])$/.exec(period);
  if (!m) return null;
  const s = Number(m[1]) * (m[2] === 'h' ? HOUR : DAY);
  return s > 0 && s <= MAX_PERIOD_S ? s : null;
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    // Control characters have no business in a filter; refusing them keeps logs and URLs clean.
    .regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed')
    .default('');

/**
 * The filters every panel takes, as they arrive in a query string. Anything else is refused
 * with a message that names the field: the values are bound as SQL parameters, but a strict
 * shape also keeps nonsense out of URLs people share.
 */
export const filtersSchema = z
  .object({
    period: z
      .string()
      .default('7d')
      .refine((p) => periodSeconds(p) !== null, 'expected a period such as 24h, 7d or 30d (at most 366 days)'),
    end: z.iso.datetime({ offset: true, error: 'expected an ISO instant such as 2026-11-24T00:00:00Z' }).optional(),
    source: z.union([z.literal(''), z.enum(SOURCE_NAMES)], { error: `expected one of ${SOURCE_NAMES.join(', ')}` }).default(''),
    topic: text(80),
    entity: text(120),
    lang: z
      .string()
      .trim()
      .regex(/^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)?$/, 'expected a language code such as en or pt-BR')
      .default(''),
    q: text(200),
  })
  .strict();

export class FilterError extends Error {
  override readonly name = 'FilterError';
  constructor(readonly problems: string[]) {
    super(`invalid filters: ${problems.join('; ')}`);
  }
}

/** Validate a query object (from a URL or the CLI); `now` fills a missing `end`. */
export function parseFilters(query: unknown, now: Date = new Date()): ViewFilters {
  const r = filtersSchema.safeParse(query ?? {});
  if (!r.success) {
    throw new FilterError(r.error.issues.map((i) => issueText(i, { root: 'filters', dotted: true, unknown: 'filter' })));
  }
  const f = r.data;
  return { ...f, end: new Date(f.end ?? now).toISOString() };
}

/** `period=7d&source=…`, or a whole dashboard URL, → a query object for parseFilters. */
export function queryFromString(view: string): Record<string, string> {
  const qs = view.includes('?') ? view.slice(view.indexOf('?') + 1) : view;
  return Object.fromEntries(new URLSearchParams(qs.replace(/^#/, '')));
}

export interface Window {
  start: Date;
  end: Date;
  previousStart: Date;
  /** Chart bucket: an hour for periods up to two days, else a day. */
  bucketSeconds: number;
}

export function windowOf(f: ViewFilters): Window {
  const len = periodSeconds(f.period)!;
  const end = new Date(f.end);
  const start = new Date(end.getTime() - len * 1000);
  return { start, end, previousStart: new Date(start.getTime() - len * 1000), bucketSeconds: len <= 2 * DAY ? HOUR : DAY };
}

/** The SQL parameters the panel queries share (see sql.ts). */
export function filterParams(f: ViewFilters, w: Window): Record<string, string | number> {
  return {
    start: w.start.toISOString(),
    end: w.end.toISOString(),
    prevStart: w.previousStart.toISOString(),
    bucket: w.bucketSeconds,
    source: f.source,
    topic: f.topic,
    entity: f.entity,
    lang: f.lang,
    q: f.q,
  };
}

/** The filters as a query string (only the ones set), for links and the browser's URL. */
export function filtersToQuery(f: Partial<ViewFilters>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, String(v));
  return p.toString();
}
