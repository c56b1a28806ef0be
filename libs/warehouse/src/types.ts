import type { DqCheck, EventRow, PipelineRun } from '@social-pulse/schema';

export interface LoadResult {
  /** Rows read from the files (after deduplication within them). */
  rowsIn: number;
  inserted: number;
  updated: number;
  /** BigQuery: bytes billed by the load's queries (load jobs themselves are free); absent for DuckDB. */
  bytesBilled?: number;
  /**
   * BigQuery: the days of the partition column the loaded rows fall in, `[from, to)` (null
   * when nothing was loaded), for checks that read only what the load touched.
   */
  partitions?: LoadPartitions | null;
}

/** A range of whole days, ISO instants at midnight UTC. */
export interface LoadPartitions {
  from: string;
  to: string;
}

/** SQL written once per dialect, side by side, so both backends answer the same question. */
export interface DialectSql {
  duckdb: string;
  bigquery: string;
}

/** How a read query is run. */
export interface QueryOptions {
  /**
   * Where the query waits when the warehouse runs a bounded number of queries at once (DuckDB:
   * a few connections) and all are busy: higher first, equal ones in the order they were issued.
   * The dashboard puts the statements that others wait for ahead (see loadDashboard). BigQuery
   * runs every query as its own job at once and has nothing to order.
   */
  priority?: number;
}

export type Params = Record<string, string | number | boolean | null | string[]>;

/**
 * The warehouse: DuckDB on one machine, BigQuery in the cloud. Tables come from libs/schema;
 * loads are incremental MERGEs on the primary key, never blind appends.
 */
export interface Warehouse {
  readonly kind: 'duckdb' | 'bigquery';
  /** For messages: the file or `project.dataset`. */
  readonly uri: string;
  /** BigQuery: the bytes billed by every query this connection ran so far; absent for DuckDB. */
  readonly bytesBilled?: number;
  /** Create the tables and views if missing (idempotent). */
  ensureSchema(): Promise<void>;
  /**
   * MERGE Parquet files of `posts` rows on post_id; newer collected_at wins. Files are local
   * paths for DuckDB and `gs://` URIs for BigQuery (its load jobs read Cloud Storage).
   */
  loadPosts(files: string[]): Promise<LoadResult>;
  /** MERGE Parquet files of `post_nlp` rows on post_id; newer enriched_at wins. */
  loadNlp(files: string[]): Promise<LoadResult>;
  /** MERGE Parquet files of `post_metrics` rows on (post_id, observed_at): an observation is written once. */
  loadMetrics(files: string[]): Promise<LoadResult>;
  /** Insert or replace one row of pipeline_runs (keyed by run_id, step, source). */
  recordRun(run: PipelineRun): Promise<void>;
  /** Insert or replace rows of dq_checks (keyed by run_id, check_name, source). */
  recordChecks(checks: DqCheck[]): Promise<void>;
  /** Insert or replace rows of events (keyed by event_id). */
  recordEvents(events: EventRow[]): Promise<void>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
  /** A read query with named parameters (`$name` in DuckDB, `@name` in BigQuery). */
  query<T = Record<string, unknown>>(sql: DialectSql | string, params?: Params, opts?: QueryOptions): Promise<T[]>;
  close(): Promise<void>;
}
