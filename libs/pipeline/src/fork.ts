import { fork } from 'node:child_process';
import { describeError } from '@social-pulse/runtime';
import type { StepName, StepReport } from './report.ts';
import { failedReport, type HistoryHandoff } from './runs.ts';

export interface ForkOptions {
  signal?: AbortSignal;
  /** Called with the child's pid once it runs (the run lock records it). */
  onSpawn?: (pid: number) => void;
  /** Extra environment for the child (tests: crash points). */
  env?: NodeJS.ProcessEnv;
  /** Rows of the history for a step that records its own (`--record-history`): sent when it asks. */
  history?: HistoryHandoff;
}

/**
 * Runs a step app in its own process (so a crash, a leak or a native fault in one step
 * cannot take the orchestrator down) and returns the report it sends back. `entry` is the
 * app's compiled main (plain Node, nothing to compile at start-up) or its TypeScript main,
 * run through tsx. A child that dies without a report (a crash, a kill, out of memory) gives
 * a failed report that says how it ended.
 */
export function forkStep(step: StepName, entry: string, args: string[], opts: ForkOptions = {}): Promise<StepReport> {
  const started = new Date().toISOString();
  return new Promise((resolve) => {
    let report: StepReport | undefined;
    const child = fork(entry, args, {
      execArgv: /\.[cm]?ts$/.test(entry) ? ['--import', import.meta.resolve('tsx')] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    child.on('message', (m: { type?: string; report?: StepReport }) => {
      if (m?.type === 'step-report' && m.report) report = m.report;
      // A step started with --record-history asks for the rows it is to write first.
      if (m?.type === 'history?') child.send({ type: 'history', ...(opts.history ?? { rows: [], closeInterrupted: false }) });
    });
    const failed = (why: string) => failedReport(step, why, { startedAt: started });
    child.on('error', (e) => {
      if (!report) report = failed(`could not run: ${describeError(e)}`);
    });
    child.on('exit', (code, signal) => {
      resolve(report ?? failed(signal ? `the step process was killed by ${signal}` : `the step process exited with code ${code} without a report`));
    });
  });
}
