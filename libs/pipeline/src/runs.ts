import type { Config } from '@social-pulse/config';
import { describeError, maskSecretsDeep, type Logger } from '@social-pulse/runtime';
import type { PipelineRun } from '@social-pulse/schema';
import { openWarehouse, type Warehouse } from '@social-pulse/warehouse';
import type { StepName, StepReport } from './report.ts';

/**
 * The run history (pipeline_runs): the row of a step's outcome, recording rows, and the report
 * of a step that failed before it could make one of its own.
 */

/** The row of pipeline_runs for a step's outcome. */
export function runRow(runId: string, step: StepName, r: Omit<StepReport, 'step' | 'lines'>): PipelineRun {
  return {
    run_id: runId,
    step,
    source: '*',
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    status: r.status,
    rows_in: r.rowsIn,
    rows_out: r.rowsOut,
    rows_rejected: r.rowsRejected,
    retries: r.retries,
    error: r.error ?? null,
    details: r.details ? JSON.stringify(r.details) : null,
  };
}

/** A step's rows of pipeline_runs: its outcome (`over` changes fields of it), then one per source when it has them. */
export function stepRows(runId: string, step: StepName, r: Omit<StepReport, 'step' | 'lines'>, over: Partial<PipelineRun> = {}): PipelineRun[] {
  return [{ ...runRow(runId, step, r), ...over }, ...(r.perSource ?? []).map((s) => ({ ...s, run_id: runId, step }))];
}

/** The row of a step under way (`finished_at` null): `pulse status` shows it running, and a run that dies leaves it for closeInterrupted. */
export const runningRow = (runId: string, step: StepName, startedAt: string): PipelineRun => ({ ...runRow(runId, step, emptyReport(step, 'running', startedAt)), finished_at: null });

/** The report of a step that started and finished (default: now) without doing anything else. */
export function emptyReport(step: StepName, status: StepReport['status'], startedAt: string, finishedAt = new Date().toISOString()): StepReport {
  return { step, status, rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, lines: [], startedAt, finishedAt };
}

/**
 * The report of a step that failed without one of its own (it threw, its process died, it
 * could not start): `error` says why; its one line is `line` (default `<step>: <error>`).
 */
export function failedReport(
  step: StepName,
  error: string,
  opts: { startedAt: string; finishedAt?: string; line?: string; retryable?: boolean },
): StepReport {
  return {
    ...emptyReport(step, 'failed', opts.startedAt, opts.finishedAt),
    error,
    ...(opts.retryable !== undefined ? { retryable: opts.retryable } : {}),
    lines: [opts.line ?? `${step}: ${error}`],
  };
}

/** Runs `fn` on the configured warehouse; a warehouse that cannot be reached is logged (`could not <what>`), not fatal. */
async function withHistory(config: Config, log: Pick<Logger, 'warn'>, what: string, fn: (w: Warehouse) => Promise<void>): Promise<boolean> {
  try {
    // A few rows: left in DuckDB's log for the next writer's checkpoint (see deferCheckpoint).
    const w = await openWarehouse(config.warehouseLocation, { deferCheckpoint: true });
    try {
      await fn(w);
    } finally {
      await w.close();
    }
    return true;
  } catch (e) {
    log.warn(`could not ${what} in ${config.warehouse}: ${describeError(e)}`);
    return false;
  }
}

/**
 * Rows of the history that `pulse run` hands to a step that records its own (StepDef's
 * `recordsHistory`), with whether rows left running by a dead run are still to be closed first.
 */
export interface HistoryHandoff {
  rows: PipelineRun[];
  closeInterrupted: boolean;
}

const INTERRUPTED = 'interrupted: its process ended without finishing (killed, crashed, or the machine stopped)';

/**
 * Records rows of pipeline_runs, masked (errors and details quote what servers said); a
 * warehouse that cannot be reached is logged, not fatal. Resolves to whether they were recorded.
 * `closeInterrupted` first closes the rows still `running`: a run under the lock finds those
 * only from runs that died, and says so, so that the history and `pulse status` do not show
 * them running forever. A run does it with its first rows.
 */
export function recordRuns(config: Config, rows: PipelineRun[], log: Pick<Logger, 'warn'>, opts: { closeInterrupted?: boolean } = {}): Promise<boolean> {
  return withHistory(config, log, 'record the run history', async (w) => {
    if (opts.closeInterrupted) {
      await w.query(
        {
          duckdb: `UPDATE pipeline_runs SET status = 'failed', finished_at = CAST($now AS TIMESTAMPTZ), error = $error WHERE status = 'running'`,
          bigquery: `UPDATE pipeline_runs SET status = 'failed', finished_at = TIMESTAMP(@now), error = @error WHERE status = 'running'`,
        },
        { now: new Date().toISOString(), error: INTERRUPTED },
      );
    }
    for (const r of rows) await w.recordRun(maskSecretsDeep(r));
  });
}
