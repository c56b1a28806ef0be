import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export interface DashboardOptions {
  host?: string;
  port?: string;
  export?: string;
  view?: string;
  open?: boolean;
}

/** The app this command runs (a process of its own, like the pipeline's steps: see steps.ts). */
const APP = '@social-pulse/dashboard';

/** The dashboard app's TypeScript entry, found through its workspace package. */
function dashboardEntry(): string {
  return path.join(path.dirname(require.resolve(`${APP}/package.json`)), 'src', 'main.ts');
}

/**
 * Starts the dashboard app in its own process (apps never import each other; the CLI runs
 * them, as it runs the pipeline's steps). `done` resolves with its exit code.
 */
export function startDashboard(g: { config: string }, o: DashboardOptions): { done: Promise<number>; stop(): void } {
  const args = ['--config', g.config];
  if (o.host) args.push('--host', o.host);
  if (o.port) args.push('--port', o.port);
  if (o.export) args.push('--export', o.export);
  if (o.view) args.push('--view', o.view);
  if (o.open) args.push('--open');
  const child = fork(dashboardEntry(), args, { execArgv: ['--import', import.meta.resolve('tsx')], stdio: 'inherit' });
  const done = new Promise<number>((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`pulse dashboard: could not start: ${e.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
  });
  return { done, stop: () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM')) };
}

/** `pulse dashboard`: serve the dashboard (or write a static report with --export). */
export async function dashboardCommand(g: { config: string }, o: DashboardOptions): Promise<void> {
  const d = startDashboard(g, o);
  // Ctrl-C in a terminal reaches the child too (same process group); a signal sent to us
  // alone is passed on. Either way we wait for it to close the warehouse and exit.
  const onSigint = () => d.stop();
  const onSigterm = () => d.stop();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    process.exitCode = await d.done;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
