import { fork } from 'node:child_process';
import { describeError } from '@social-pulse/runtime';
import type { StepName, StepReport } from './report.ts';

/**
 * Runs a step app in its own process (so a crash, a leak or a native fault in one step
 * cannot take the orchestrator down) and returns the report it sends back. `entry` is the
 * app's TypeScript main, run through tsx.
 */
export function forkStep(step: StepName, entry: string, args: string[], opts: { signal?: AbortSignal } = {}): Promise<StepReport> {
  const started = new Date().toISOString();
  return new Promise((resolve) => {
    let report: StepReport | undefined;
    const child = fork(entry, args, {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    child.on('message', (m: { type?: string; report?: StepReport }) => {
      if (m?.type === 'step-report' && m.report) report = m.report;
    });
    const failed = (why: string): StepReport => ({
      step,
      status: 'failed',
      rowsIn: 0,
      rowsOut: 0,
      rowsRejected: 0,
      retries: 0,
      error: why,
      lines: [`${step}: ${why}`],
      startedAt: started,
      finishedAt: new Date().toISOString(),
    });
    child.on('error', (e) => {
      if (!report) report = failed(`could not run: ${describeError(e)}`);
    });
    child.on('exit', (code, signal) => {
      resolve(report ?? failed(signal ? `killed by ${signal}` : `exited with code ${code} without a report`));
    });
  });
}
