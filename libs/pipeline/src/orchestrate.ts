import os from 'node:os';
import pRetry from 'p-retry';
import type { Config } from '@social-pulse/config';
import { createLogger, describeError, maskSecrets, newRunId, registerSecrets, type Logger } from '@social-pulse/runtime';
import type { PipelineRun, RunStatus } from '@social-pulse/schema';
import type { ForkOptions } from './fork.ts';
import { configSecrets } from './harness.ts';
import { hasIdleReport, idleReport } from './idle.ts';
import { acquireRunLock, lockPath } from './lock.ts';
import { notifyWebhook, type RunNotice } from './notify.ts';
import { combineStatus, maskReport, reportLine, STEPS, type StepName, type StepReport } from './report.ts';
import { emptyReport, failedReport, recordRuns, runningRow, runRow, stepRows, type HistoryHandoff } from './runs.ts';
import { stepDef } from './steps.ts';

export interface PipelineHooks {
  /** Runs one attempt of a step in its own process: `forkStep` with the step app's entry. */
  launch(step: StepName, args: string[], opts: ForkOptions): Promise<StepReport>;
  /** Whether a step runs at all in this build and configuration (e.g. enrich needs NLP on). */
  enabled?(step: StepName): Promise<boolean>;
  /**
   * Whether a step that has an idle report (lake-write, enrich) surely has nothing new to read:
   * then it is recorded with that report and its process is not started. Resolve false (or
   * fail) when unsure: the step then runs and finds out itself.
   */
  idle?(step: StepName): Promise<boolean>;
  /** A line for the person at the terminal. */
  out(line: string): void;
  log?: Logger;
}

export interface RunSummary {
  runId: string;
  /** failed when a step failed, else ok or partial. */
  status: RunStatus;
  reports: StepReport[];
  failed?: { step: StepName; error: string };
  /** Steps that depend on a failed one and were not run. */
  notRun: StepName[];
  /** Whether a failure notice was delivered (undefined: none was due or none is configured). */
  notified?: boolean;
}

/** A failed attempt, for p-retry: carries the step's report. */
class StepFailure extends Error {
  constructor(readonly report: StepReport) {
    super(report.error ?? `${report.step} failed`);
  }
}

/** Runs one step, again after a backoff while it fails in a way a new attempt may fix. */
async function runWithRetries(
  config: Config,
  step: StepName,
  runId: string,
  hooks: PipelineHooks,
  fork: Pick<ForkOptions, 'onSpawn' | 'history'>,
): Promise<{ report: StepReport; errors: string[]; startedAt: string }> {
  const startedAt = new Date().toISOString();
  const errors: string[] = [];
  const args = ['--config', config.file, '--run-id', runId, ...(fork.history ? ['--record-history'] : [])];
  try {
    const report = await pRetry(
      async (attempt) => {
        const r = maskReport(await hooks.launch(step, [...args, '--attempt', String(attempt)], fork));
        const withAttempts = { ...r, attempts: attempt };
        if (r.status === 'failed' && r.retryable !== false) throw new StepFailure(withAttempts);
        return withAttempts;
      },
      {
        retries: config.retry.steps,
        minTimeout: config.retry.backoffMs,
        maxTimeout: Math.max(config.retry.backoffMs * 8, 1),
        factor: 2,
        randomize: true,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          errors.push(`attempt ${attemptNumber}: ${error.message}`);
          if (retriesLeft > 0) hooks.out(reportLine(step, `attempt ${attemptNumber} failed (${error.message}); trying again`));
        },
      },
    );
    return { report, errors, startedAt };
  } catch (e) {
    if (e instanceof StepFailure) return { report: e.report, errors, startedAt };
    return { report: failedReport(step, describeError(e), { startedAt }), errors, startedAt };
  }
}

/**
 * One pipeline run under the run lock: each step in its own process, retried with backoff on
 * failure; a step that still fails stops the steps that need it (STEP_DEFS, ./steps.ts), and
 * theirs, which are recorded as not run, with the reason. The history says what happened, and
 * a failed run is announced once to the configured webhook.
 */
export async function runPipeline(config: Config, given: PipelineHooks, opts: { skip?: ReadonlySet<string> } = {}): Promise<RunSummary> {
  registerSecrets(configSecrets(config));
  // Every line for the terminal goes through the same mask as the logs.
  const hooks: PipelineHooks = { ...given, out: (line) => given.out(maskSecrets(line)) };
  const log = hooks.log ?? createLogger('run');
  const lock = await acquireRunLock(lockPath(config.lakeLocation));
  const runId = newRunId();
  const started = new Date().toISOString();
  const reports: StepReport[] = [];
  const notRun: StepName[] = [];
  let failed: StepReport | undefined;
  // The failed step that keeps each failed or not-run step's dependants from running.
  const blockedBy = new Map<StepName, StepReport>();
  hooks.out(`pulse run ${runId}  lake ${config.lake}  warehouse ${config.warehouse}`);
  // Rows of the history wait here for the next write: a step's outcome goes with the next
  // step's running row, one open of the warehouse for both. The first write closes the rows
  // that runs which died left running (this run holds the lock: no other one is running).
  let pending: PipelineRun[] = [];
  let closeInterrupted = true;
  const record = async (more: PipelineRun[] = []) => {
    const rows = [...pending, ...more];
    pending = [];
    if (rows.length && (await recordRuns(config, rows, log, { closeInterrupted }))) closeInterrupted = false;
  };
  try {
    for (const step of STEPS) {
      const blocker = stepDef(step).needs.map((n) => blockedBy.get(n)).find((r) => r !== undefined);
      // A step left out passes on what blocks it: the steps that need it wait for the same failure.
      if (blocker) blockedBy.set(step, blocker);
      if (opts.skip?.has(step)) continue;
      if (hooks.enabled && !(await hooks.enabled(step))) continue;
      if (blocker) {
        const why = `not run: ${blocker.step} failed (${blocker.error ?? 'see its log'})`;
        hooks.out(reportLine(step, why));
        notRun.push(step);
        const now = new Date().toISOString();
        pending.push(runRow(runId, step, { ...emptyReport(step, 'skipped', now, now), error: why }));
        continue;
      }
      // Nothing new for it: the step would start, find nothing and say so. Say it without it.
      if (hasIdleReport(step) && (await hooks.idle?.(step).catch(() => false))) {
        const now = new Date().toISOString();
        const report: StepReport = { ...idleReport(step), step, startedAt: now, finishedAt: now };
        reports.push(report);
        for (const line of report.lines) hooks.out(line);
        pending.push(...stepRows(runId, step, report));
        continue;
      }
      // A step that opens the warehouse anyway records its history and the rows waiting here
      // (StepDef's recordsHistory). The others' processes record none (see runStep): this one does.
      const handoff: HistoryHandoff | undefined = stepDef(step).recordsHistory ? { rows: pending, closeInterrupted } : undefined;
      if (!handoff) await record([runningRow(runId, step, new Date().toISOString())]);
      const { report, errors, startedAt } = await runWithRetries(config, step, runId, hooks, {
        onSpawn: (pid) => {
          lock.setChild(pid).catch((e: unknown) => log.warn(`could not record the step process in the run lock: ${describeError(e)}`));
        },
        ...(handoff ? { history: handoff } : {}),
      });
      await lock.setChild(undefined).catch(() => undefined);
      if (handoff && report.recorded) {
        // The step wrote them with its own. (Had it not, they stay here and are written with its
        // outcome below; rows are upserted, so those it did write are only written again.)
        pending = [];
        closeInterrupted = false;
      }
      reports.push(report);
      for (const line of report.lines) hooks.out(line);
      const attempts = report.attempts ?? 1;
      if (!report.recorded || attempts > 1) {
        // The step's process did not record how it ended (forked steps leave it to this process;
        // a step that died cannot), or it says only how its last attempt did.
        const retried = attempts > 1 || errors.length > 0;
        const rows = stepRows(runId, step, report, {
          started_at: startedAt,
          retries: report.retries + attempts - 1,
          ...(retried ? { details: JSON.stringify({ ...(report.details ?? {}), attempts, ...(errors.length ? { failedAttempts: errors } : {}) }) } : {}),
        });
        pending.push(...(report.recorded ? rows.slice(0, 1) : rows));
      }
      if (report.status === 'failed') {
        failed = report;
        blockedBy.set(step, report);
      }
    }
  } finally {
    await record();
    await lock.release();
  }
  const status: RunStatus = failed ? 'failed' : combineStatus(reports.map((r) => r.status));
  const summary: RunSummary = { runId, status, reports, notRun, ...(failed ? { failed: { step: failed.step, error: failed.error ?? 'failed' } } : {}) };
  hooks.out(`run ${runId}: ${status}${failed ? ` (${failed.step} failed${notRun.length ? `; not run: ${notRun.join(', ')}` : ''})` : ''}`);
  if (status === 'failed' && config.notify.webhook) {
    const notice: RunNotice = {
      text: `social-pulse run ${runId} failed: ${failed ? `${failed.step}: ${failed.error ?? 'failed'}` : 'see pulse status'}${notRun.length ? `; not run: ${notRun.join(', ')}` : ''}`,
      run_id: runId,
      status,
      started_at: started,
      finished_at: new Date().toISOString(),
      host: os.hostname(),
      lake: config.lake,
      warehouse: config.warehouse,
      failed_step: failed?.step ?? null,
      error: failed?.error ?? null,
      not_run: notRun,
      steps: reports.map((r) => ({ step: r.step, status: r.status, attempts: r.attempts ?? 1, rows_out: r.rowsOut, error: r.error ?? null })),
    };
    summary.notified = await notifyWebhook(config.notify.webhook, notice, { ...(config.contact ? { contact: config.contact } : {}), log });
  }
  return summary;
}
