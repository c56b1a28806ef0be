import { quoteIdent, sqlString } from '@social-pulse/schema';
import type { DialectSql } from './types.ts';

/** A GoogleSQL identifier or path in backticks (`a`, `project.dataset.table`): the one BigQuery quoter. */
export function bqIdent(name: string): string {
  if (name.includes('`') || name.includes('\\')) throw new Error(`not a BigQuery identifier: ${name}`);
  return `\`${name}\``;
}

/** A TIMESTAMP constant BigQuery prunes partitions with (a query parameter in a MERGE's ON clause would not be). */
export function bqTimestampLiteral(iso: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(iso)) throw new Error(`not an ISO instant: ${iso}`);
  return `TIMESTAMP('${iso}')`;
}

/**
 * Where DuckDB's SQL and GoogleSQL differ, as named helpers: SQL that both dialects share is
 * written once, as a function of the dialect (see `bothDialects`), and only these pieces differ.
 */
export interface Dialect {
  readonly name: keyof DialectSql;
  /** A quoted identifier: `"name"` or `` `name` ``. */
  ident(name: string): string;
  /** A named parameter: `$name` or `@name`. */
  param(name: string): string;
  /** An ISO string (a parameter) as a timestamp. */
  timestamp(iso: string): string;
  /** `ts` plus some minutes. */
  plusMinutes(ts: string, minutes: number): string;
  /** The rows where `cond` holds. */
  countIf(cond: string): string;
  /** The largest `value` of the rows where `cond` holds. */
  maxIf(value: string, cond: string): string;
  /** `value` of the row with the largest `by`; with `ignoreNulls`, of the latest row where it is not null (BigQuery; DuckDB's arg_max). */
  latest(value: string, by: string, opts?: { ignoreNulls?: boolean }): string;
  /** `SELECT … AS n`: 1 when the dataset (schema) has the table, 0 when not. */
  tableCount(table: string): string;
}

export const DUCKDB_DIALECT: Dialect = {
  name: 'duckdb',
  ident: quoteIdent,
  param: (name) => `$${name}`,
  timestamp: (iso) => `CAST(${iso} AS TIMESTAMPTZ)`,
  plusMinutes: (ts, minutes) => `${ts} + INTERVAL ${minutes} MINUTE`,
  countIf: (cond) => `count(*) FILTER (WHERE ${cond})`,
  maxIf: (value, cond) => `max(${value}) FILTER (WHERE ${cond})`,
  latest: (value, by) => `arg_max(${value}, ${by})`,
  tableCount: (table) => `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${sqlString(table)}`,
};

export const BIGQUERY_DIALECT: Dialect = {
  name: 'bigquery',
  ident: bqIdent,
  param: (name) => `@${name}`,
  timestamp: (iso) => `TIMESTAMP(${iso})`,
  plusMinutes: (ts, minutes) => `TIMESTAMP_ADD(${ts}, INTERVAL ${minutes} MINUTE)`,
  countIf: (cond) => `COUNTIF(${cond})`,
  maxIf: (value, cond) => `MAX(IF(${cond}, ${value}, NULL))`,
  latest: (value, by, opts) =>
    opts?.ignoreNulls
      ? `ARRAY_AGG(${value} IGNORE NULLS ORDER BY ${by} DESC LIMIT 1)[SAFE_OFFSET(0)]`
      : `ARRAY_AGG(${value} ORDER BY ${by} DESC LIMIT 1)[OFFSET(0)]`,
  tableCount: (table) => `SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES WHERE table_name = ${sqlString(table)}`,
};

/** SQL written once for both warehouses: `sql` is called with each dialect's helpers. */
export function bothDialects(sql: (d: Dialect) => string): DialectSql {
  return { duckdb: sql(DUCKDB_DIALECT), bigquery: sql(BIGQUERY_DIALECT) };
}

/** SQL that is the same text in both dialects (no parameters, no function that differs). */
export const sameSql = (sql: string): DialectSql => ({ duckdb: sql, bigquery: sql });
