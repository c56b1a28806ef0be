import { Command } from 'commander';
import { ConfigError, loadConfig, secretValues, type Config } from '@social-pulse/config';
import { PulseError, createLogger, debugEnabled, describeError, logFormat, newRunId, registerSecrets, type Logger } from '@social-pulse/runtime';
import { maskReport, type StepName, type StepReport } from './report.ts';
import { failedReport, recordRuns, runningRow, stepRows, type HistoryHandoff } from './runs.ts';

export interface StepContext {
  config: Config;
  runId: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Which attempt of the step this is within the run (1 unless `pulse run` retried it). */
  attempt?: number;
}

export type StepFn = (ctx: StepContext) => Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>>;

/**
 * Every credential value this configuration may use: the well-known variables, any
 * `*_TOKEN`/`*_SECRET`/… variable, and the variables that sources name (`tokenEnv`), so
 * that all of them are masked wherever text leaves the process.
 */
export function configSecrets(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  const named = config.sources.flatMap((s) => ('tokenEnv' in s && s.tokenEnv ? [env[s.tokenEnv]?.trim() ?? ''] : []));
  return [...secretValues(env), ...named.filter((v) => v.length >= 4), ...webhookSecrets(config.notify.webhook)];
}

/**
 * A webhook's URL and its path with its query: Slack (`/services/T…/B…/token`), Discord
 * (`/api/webhooks/id/token`) and most others put the credential there, so neither may reach a
 * log line, a run row or an event's notify_error. A bare host (`https://hooks.example.com/`) has
 * no secret part beyond the whole URL.
 */
export function webhookSecrets(webhook: string | undefined): string[] {
  if (!webhook) return [];
  const u = new URL(webhook);
  const rest = `${u.pathname}${u.search}`;
  return [...new Set([webhook, u.href, ...(rest.length >= 8 ? [rest] : [])])];
}

/** A failure that running the step again cannot fix: a bad configuration or usage. */
const permanent = (e: unknown) => e instanceof ConfigError || (e instanceof PulseError && e.exitCode === 2);

/**
 * Runs one step with everything a step needs around it: configuration, a logger that masks
 * secrets, the run history (a `running` row first, the outcome after), and an abort signal
 * on SIGINT/SIGTERM. Used by each app's entry point, standalone or forked by `pulse run`.
 */
export async function runStep(
  step: StepName,
  fn: StepFn,
  opts: { config: Config; runId?: string; env?: NodeJS.ProcessEnv; attempt?: number; recordHistory?: boolean; handoff?: HistoryHandoff },
): Promise<StepReport> {
  const env = opts.env ?? process.env;
  registerSecrets(configSecrets(opts.config, env));
  const attempt = opts.attempt ?? 1;
  const runId = opts.runId ?? newRunId();
  const log = createLogger(step);
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const startedAt = new Date().toISOString();
  // Under `pulse run` the parent records the history (recordHistory false): then a step with
  // nothing to do never loads DuckDB. A step that opens the warehouse anyway records its own,
  // after the rows the parent handed over (`handoff`, StepDef's recordsHistory).
  const recordHistory = opts.recordHistory ?? true;
  const handed = opts.handoff ?? { rows: [], closeInterrupted: false };
  // The handed rows go out with the outcome if the warehouse could not take them now.
  const first = recordHistory && (await recordRuns(opts.config, [...handed.rows, runningRow(runId, step, startedAt)], log, { closeInterrupted: handed.closeInterrupted }));
  const unwritten = first ? { rows: [], closeInterrupted: false } : handed;
  let report: StepReport;
  try {
    const r = await fn({ config: opts.config, runId, log, env, signal: controller.signal, attempt });
    report = { ...r, step, startedAt, finishedAt: new Date().toISOString() };
  } catch (e) {
    // The report's line says it already; a log record only adds the stack (--debug) or feeds JSON logs.
    if (debugEnabled() || logFormat() === 'json') log.error({ err: e }, `${step} failed`);
    report = failedReport(step, describeError(e), { startedAt, retryable: !permanent(e), line: `${step}: failed: ${describeError(e)}` });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  // Masked here, in the process whose sources registered the tokens they obtained.
  report = maskReport(report);
  // Retries of the step itself count with the step's own (HTTP) retries.
  const rows = [...unwritten.rows, ...stepRows(runId, step, report, { retries: report.retries + attempt - 1 })];
  if (recordHistory && (await recordRuns(opts.config, rows, log, { closeInterrupted: unwritten.closeInterrupted }))) report.recorded = true;
  return { ...report, attempts: attempt };
}

/** The rows of the history `pulse run` holds for this step to write (see forkStep). */
function handoffFromParent(): Promise<HistoryHandoff> {
  return new Promise((resolve) => {
    const answer = (m: { type?: string } & Partial<HistoryHandoff>) => {
      if (m?.type !== 'history') return;
      process.off('message', answer);
      resolve({ rows: m.rows ?? [], closeInterrupted: m.closeInterrupted === true });
    };
    process.on('message', answer);
    process.send!({ type: 'history?' });
  });
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
    .option('--attempt <n>', 'which attempt of the step this is (set by pulse run)', '1')
    .option('--record-history', 'record this step\'s rows of the run history here, after those pulse run hands over (set by pulse run)')
    .parse(argv);
  const o = program.opts<{ config: string; runId?: string; attempt: string; recordHistory?: boolean }>();
  const orphaned = () => process.exit(137);
  if (process.send) {
    // Forked by `pulse run`: if that process dies, stop at once rather than work on unsupervised
    // while the next run takes the lock over. Stopping here is a crash like any other, and
    // every step is safe against those. A parent that died while this process was still
    // starting (tsx compiling the sources takes many seconds on a busy machine) closed the
    // channel before anyone listened, and no 'disconnect' comes any more: look first.
    if (!process.connected) orphaned();
    process.once('disconnect', orphaned);
  }
  let report: StepReport;
  try {
    const config = await loadConfig(o.config);
    // Forked by `pulse run` (an IPC channel): the parent records this step's rows of the
    // history, unless it asked the step to (--record-history) and handed it the rows it holds.
    const handoff = process.send && o.recordHistory ? await handoffFromParent() : undefined;
    report = await runStep(step, fn, {
      config,
      attempt: Math.max(1, Number(o.attempt) || 1),
      recordHistory: !process.send || handoff !== undefined,
      ...(handoff ? { handoff } : {}),
      ...(o.runId ? { runId: o.runId } : {}),
    });
  } catch (e) {
    const now = new Date().toISOString();
    report = failedReport(step, describeError(e), { startedAt: now, finishedAt: now, retryable: !permanent(e), line: describeError(e) });
  }
  report = maskReport(report);
  if (process.send) {
    await new Promise<void>((resolve) => process.send!({ type: 'step-report', report }, () => resolve()));
    process.off('disconnect', orphaned);
  } else {
    for (const line of report.lines) process.stdout.write(`${line}\n`);
  }
  process.exitCode = report.status === 'failed' ? 1 : 0;
}
