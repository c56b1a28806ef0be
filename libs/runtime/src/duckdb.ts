import type * as DuckDBModule from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { sqlString } from '@social-pulse/schema';

export type { DuckDBConnection } from '@duckdb/node-api';

type DuckDBApi = typeof DuckDBModule;
let api: DuckDBApi | undefined;

/**
 * @duckdb/node-api, loaded on first use: loading its native library costs a few hundred ms of
 * CPU, which a process that never opens DuckDB (a step with nothing to do) does not pay.
 */
export async function loadDuckDB(): Promise<DuckDBApi> {
  if (api) return api;
  const m = await import('@duckdb/node-api');
  // Node gives a CommonJS package's named exports; a bundle (the compiled build) may give only its `default`.
  api = 'DuckDBInstance' in m && m.DuckDBInstance ? m : (m as unknown as { default: DuckDBApi }).default;
  return api;
}

/** @duckdb/node-api once a DuckDB is open (its value helpers: `listValue`, `VARCHAR`…). */
export function duckdbApi(): DuckDBApi {
  if (!api) throw new Error('DuckDB is not loaded: open a database with openDuckDB first');
  return api;
}

export interface DuckOptions {
  readOnly?: boolean;
  /** Threads DuckDB may use (default: all cores). */
  threads?: number;
  memoryLimit?: string;
}

/**
 * Opens DuckDB the way every part of social-pulse needs it: extensions that are not built
 * in are never downloaded (a query needing one fails at once instead of reaching the
 * network), time zone UTC so that day partitions are UTC days.
 */
export async function openDuckDB(path: string, opts: DuckOptions = {}): Promise<{ db: DuckDBInstance; conn: DuckDBConnection }> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (opts.readOnly) config.access_mode = 'READ_ONLY';
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  const db = await (await loadDuckDB()).DuckDBInstance.create(path, config);
  const conn = await db.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return { db, conn };
}

/** Run a query with bound parameters and return plain JS rows. */
export async function queryRows<T = Record<string, unknown>>(
  conn: DuckDBConnection,
  sql: string,
  params?: Record<string, DuckDBValue> | DuckDBValue[],
): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJS() as T[];
}

/** A DuckDB string literal (a file path in COPY … TO, a SET value): libs/schema's one definition. */
export { sqlString };

/** A DuckDB list literal of string literals, for table functions that take a file list. */
export function sqlStringList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}
