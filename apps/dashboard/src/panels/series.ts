import type { Window } from '../filters.ts';
import type { Row } from './define.ts';
import { num, str } from './values.ts';

export interface Series {
  /** Bucket start instants (ISO), one per hour or per day across the whole period. */
  buckets: string[];
  /** Bucket size in seconds (3600 or 86400). */
  bucketSeconds: number;
  series: { name: string; values: number[] }[];
}

/** Rows of (bucket, name, n) → one series per name over every bucket of the period (names in `order` first; all-zero series dropped). */
export function series(rows: Row[], w: Pick<Window, 'start' | 'end' | 'bucketSeconds'>, order?: string[]): Series {
  const step = w.bucketSeconds;
  const first = Math.floor(w.start.getTime() / 1000 / step) * step;
  const last = Math.floor((w.end.getTime() / 1000 - 1) / step) * step;
  const keys: number[] = [];
  for (let t = first; t <= last; t += step) keys.push(t);
  const index = new Map(keys.map((k, i) => [k, i]));
  const byName = new Map<string, number[]>();
  for (const name of order ?? []) byName.set(name, keys.map(() => 0));
  for (const r of rows) {
    const name = str(r.name);
    const i = index.get(num(r.bucket));
    if (i === undefined) continue;
    if (!byName.has(name)) byName.set(name, keys.map(() => 0));
    byName.get(name)![i]! += num(r.n);
  }
  return {
    buckets: keys.map((k) => new Date(k * 1000).toISOString()),
    bucketSeconds: step,
    series: [...byName].filter(([, v]) => v.some((x) => x > 0)).map(([name, values]) => ({ name, values })),
  };
}
