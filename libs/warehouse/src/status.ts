import { bothDialects, sameSql } from './dialect.ts';
import type { DialectSql } from './types.ts';

/**
 * The status and data-quality queries `pulse status` and the dashboard share, written once for
 * both dialects.
 */
export const STATUS_SQL = {
  /**
   * Per step and source: the last run (any outcome: `run_id`, `last_status`, `last_run_at`,
   * `last_finished_at`, `last_rows_out`, `last_retries`, `last_error`) and the last success
   * (`last_success_at`, `rows_added`).
   */
  steps: sameSql(`
WITH last_run AS (
  SELECT step, source, run_id, status, started_at, finished_at, rows_out, retries, error FROM pipeline_runs WHERE TRUE
  QUALIFY row_number() OVER (PARTITION BY step, source ORDER BY started_at DESC) = 1),
last_ok AS (
  SELECT step, source, finished_at, rows_out FROM pipeline_runs WHERE status IN ('ok', 'partial') AND finished_at IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY step, source ORDER BY finished_at DESC) = 1)
SELECT r.step, r.source, r.run_id, r.status AS last_status, r.started_at AS last_run_at, r.finished_at AS last_finished_at,
       r.rows_out AS last_rows_out, r.retries AS last_retries, r.error AS last_error,
       o.finished_at AS last_success_at, o.rows_out AS rows_added
FROM last_run AS r LEFT JOIN last_ok AS o ON o.step = r.step AND o.source = r.source
ORDER BY r.step, r.source`),
  /**
   * Whether the warehouse has the data-quality table: warehouses loaded before the checks
   * existed have none (and a read-only reader, the dashboard, creates nothing).
   */
  qualityTable: bothDialects((d) => d.tableCount('dq_checks')),
  /** The checks of the latest run that ran any, failures first. */
  quality: sameSql(`
WITH latest AS (SELECT run_id FROM dq_checks ORDER BY checked_at DESC LIMIT 1)
SELECT run_id, check_name, source, status, severity, observed, expected, message, checked_at
FROM dq_checks WHERE run_id = (SELECT run_id FROM latest)
ORDER BY status = 'fail' DESC, severity, check_name, source`),
} satisfies Record<string, DialectSql>;

/** A row of STATUS_SQL.steps, as Warehouse.query returns it. */
export interface StepStatusRow {
  step: string;
  source: string;
  run_id: string;
  last_status: string;
  last_run_at: string;
  last_finished_at: string | null;
  last_rows_out: number;
  last_retries: number;
  last_error: string | null;
  last_success_at: string | null;
  rows_added: number | null;
}

/** A row of STATUS_SQL.quality. */
export interface CheckStatusRow {
  run_id: string;
  check_name: string;
  source: string;
  status: 'pass' | 'fail' | 'skipped';
  severity: 'error' | 'warn';
  observed: number | null;
  expected: string | null;
  message: string | null;
  checked_at: string;
}
