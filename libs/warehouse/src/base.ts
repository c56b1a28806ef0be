import { postMetrics, postNlp, posts, type Field, type TableSchema } from '@social-pulse/schema';
import type { LoadPartitions, LoadResult } from './types.ts';

/**
 * What both warehouses share: the three loads, each a MERGE of the lake's Parquet files on the
 * table's primary key where the row with the newer version column wins. Each backend writes
 * its own `merge`.
 */
export abstract class MergingWarehouse {
  protected abstract merge(table: TableSchema, files: string[], versionCol: string): Promise<LoadResult>;

  loadPosts(files: string[]): Promise<LoadResult> {
    return this.merge(posts, files, 'collected_at');
  }

  loadNlp(files: string[]): Promise<LoadResult> {
    return this.merge(postNlp, files, 'enriched_at');
  }

  loadMetrics(files: string[]): Promise<LoadResult> {
    return this.merge(postMetrics, files, 'observed_at');
  }
}

const DAY_MS = 86_400_000;

/**
 * The whole UTC days from the one of `lo` to the one after `hi`, `[from, to)`: the days a load's
 * rows fall in (LoadResult.partitions), which bound what the checks and stories after it read.
 * Undefined without both bounds.
 */
export function loadDays(lo: unknown, hi: unknown): LoadPartitions | undefined {
  const ms = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN);
  const [a, b] = [ms(lo), ms(hi)];
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return { from: new Date(Math.floor(a / DAY_MS) * DAY_MS).toISOString(), to: new Date((Math.floor(b / DAY_MS) + 1) * DAY_MS).toISOString() };
}

/**
 * The columns a table's declaration has and the table (with the columns `existing`) lacks: a
 * warehouse created before libs/schema gained them. Both warehouses add them when opened.
 */
export function missingFields(table: TableSchema, existing: Iterable<string>): Field[] {
  const have = new Set(existing);
  return table.fields.filter((f) => !have.has(f.name));
}

/**
 * A query result value as both warehouses return it: integers as numbers, timestamps as ISO
 * strings (`2026-11-23T10:00:00.000Z`), lists and structs element by element. `leaf` turns a
 * backend's own value objects (BigQuery's timestamps) into a Date first.
 */
export function plainValue(v: unknown, leaf?: (v: object) => Date | undefined): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v;
  const d = leaf?.(v);
  if (d) return d.toISOString();
  if (Array.isArray(v)) return v.map((x) => plainValue(x, leaf));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x, leaf)]));
}
