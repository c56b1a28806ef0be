import { Command } from 'commander';
import { loadConfig, secretValues, type Config } from '@social-pulse/config';
import { createLogger, describeError, newRunId, registerSecrets, type Logger } from '@social-pulse/runtime';
import type { PipelineRun } from '@social-pulse/schema';
import { openWarehouse } from '@social-pulse/warehouse';
import type { StepName, StepReport } from './report.ts';

export interface StepContext {
  config: Config;
  runId: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export type StepFn = (ctx: StepContext) => Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>>;

function runRow(runId: string, step: StepName, r: Omit<StepReport, 'step' | 'lines'>): PipelineRun {
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

/** Records rows of pipeline_runs; a warehouse that cannot be reached is logged, not fatal. */
async function record(config: Config, rows: PipelineRun[], log: Logger): Promise<void> {
  try {
    const w = await openWarehouse(config.warehouseLocation);
    try {
      for (const r of rows) await w.recordRun(r);
    } finally {
      await w.close();
    }
  } catch (e) {
    log.warn(`could not record the run history in ${config.warehouse}: ${describeError(e)}`);
  }
}

/**
 * Runs one step with everything a step needs around it: configuration, a logger that masks
 * secrets, the run history (a `running` row first, the outcome after), and an abort signal
 * on SIGINT/SIGTERM. Used by each app's entry point, standalone or forked by `pulse run`.
 */
export async function runStep(step: StepName, fn: StepFn, opts: { config: Config; runId?: string; env?: NodeJS.ProcessEnv }): Promise<StepReport> {
  const env = opts.env ?? process.env;
  registerSecrets(secretValues(env));
  const runId = opts.runId ?? newRunId();
  const log = createLogger(step);
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const startedAt = new Date().toISOString();
  await record(
    opts.config,
    [runRow(runId, step, { status: 'running', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, startedAt, finishedAt: '' })].map((r) => ({ ...r, finished_at: null })),
    log,
  );
  let report: StepReport;
  try {
    const r = await fn({ config: opts.config, runId, log, env, signal: controller.signal });
    report = { ...r, step, startedAt, finishedAt: new Date().toISOString() };
  } catch (e) {
    log.error({ err: e }, `${step} failed`);
    report = {
      step,
      status: 'failed',
      rowsIn: 0,
      rowsOut: 0,
      rowsRejected: 0,
      retries: 0,
      error: describeError(e),
      lines: [`${step}: failed: ${describeError(e)}`],
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const rows = [runRow(runId, step, report)];
  for (const s of report.perSource ?? []) rows.push({ ...s, run_id: runId, step });
  await record(opts.config, rows, log);
  return report;
}

/**
 * The entry point of a step app: `--config FILE`, `--run-id ID`. Prints the report's lines,
 * sends the report to the parent when forked by `pulse run`, and exits 1 when the step failed.
 */
export async function stepMain(step: StepName, fn: StepFn, argv = process.argv): Promise<void> {
  const program = new Command(`pulse-${step}`)
    .description(`social-pulse ${step} step`)
    .option('-c, --config <file>', 'configuration file', 'pulse.config.yaml')
    .option('--run-id <id>', 'the run this step belongs to (default: a new one)')
    .parse(argv);
  const o = program.opts<{ config: string; runId?: string }>();
  let report: StepReport;
  try {
    const config = await loadConfig(o.config);
    report = await runStep(step, fn, { config, ...(o.runId ? { runId: o.runId } : {}) });
  } catch (e) {
    const now = new Date().toISOString();
    report = { step, status: 'failed', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, error: describeError(e), lines: [describeError(e)], startedAt: now, finishedAt: now };
  }
  if (process.send) {
    await new Promise<void>((resolve) => process.send!({ type: 'step-report', report }, () => resolve()));
  } else {
    for (const line of report.lines) process.stdout.write(`${line}\n`);
  }
  process.exitCode = report.status === 'failed' ? 1 : 0;
}
