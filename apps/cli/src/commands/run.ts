import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, parseDuration, secretValues, type Config } from '@social-pulse/config';
import { acquireLock, combineStatus, forkStep, lockPath, STEPS, type StepName, type StepReport } from '@social-pulse/pipeline';
import { PulseError, newRunId, registerSecrets } from '@social-pulse/runtime';
import { openWarehouse } from '@social-pulse/warehouse';
import { stepAvailable, stepEntry } from '../steps.ts';

interface GlobalOpts {
  config: string;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function recordSkipped(config: Config, runId: string, step: StepName, why: string): Promise<void> {
  const now = new Date().toISOString();
  const w = await openWarehouse(config.warehouseLocation);
  try {
    await w.recordRun({
      run_id: runId, step, source: '*', started_at: now, finished_at: now, status: 'skipped',
      rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: why, details: null,
    });
  } finally {
    await w.close();
  }
}

/** One pipeline run under the lock: each step in its own process; a failed step skips the ones after it. */
export async function pipelineOnce(configFile: string, skip: Set<string> = new Set()): Promise<StepReport[]> {
  const config = await loadConfig(configFile);
  registerSecrets(secretValues());
  const release = await acquireLock(lockPath(config.lakeLocation));
  const runId = newRunId();
  const reports: StepReport[] = [];
  out(`pulse run ${runId}  lake ${config.lake}  warehouse ${config.warehouse}`);
  try {
    let blockedBy: StepReport | undefined;
    for (const step of STEPS) {
      if (skip.has(step)) continue;
      if (step === 'enrich' && (!config.nlp.enabled || !(await stepAvailable(step)))) continue;
      if (blockedBy) {
        const why = `not run: ${blockedBy.step} failed (${blockedBy.error ?? 'see its log'})`;
        out(`${step.padEnd(13)} ${why}`);
        await recordSkipped(config, runId, step, why).catch(() => undefined);
        continue;
      }
      const report = await forkStep(step, stepEntry(step), ['--config', config.file, '--run-id', runId]);
      reports.push(report);
      for (const line of report.lines) out(line);
      if (report.status === 'failed') blockedBy = report;
    }
  } finally {
    await release();
  }
  const status = combineStatus(reports.map((r) => r.status));
  out(`run ${runId}: ${status}`);
  return reports;
}

export async function runCommand(g: GlobalOpts, o: { every?: string; dashboard?: boolean; skip?: string }): Promise<void> {
  const skip = new Set((o.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  for (const s of skip) if (!(STEPS as readonly string[]).includes(s)) throw new PulseError(`--skip: unknown step "${s}" (steps: ${STEPS.join(', ')})`, 2);
  const every = o.every !== undefined ? parseDuration(o.every) : undefined;
  if (o.every !== undefined && !every) throw new PulseError(`--every: expected a duration such as 30m or 1h, got "${o.every}"`, 2);
  let failed = false;
  let dashboard: { done: Promise<number>; stop(): void } | undefined;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  for (;;) {
    const started = Date.now();
    const reports = await pipelineOnce(g.config, skip);
    failed = reports.some((r) => r.status === 'failed');
    if (!every || controller.signal.aborted) break;
    // With --every the dashboard serves between runs; it lets go of a DuckDB warehouse when
    // idle, so the next run's load can write.
    if (o.dashboard && !dashboard) dashboard = (await import('./dashboard.ts')).startDashboard(g, {});
    const wait = Math.max(0, started + every - Date.now());
    out(`next run at ${new Date(Date.now() + wait).toISOString()} (Ctrl-C to stop)`);
    try {
      await sleep(wait, undefined, { signal: controller.signal });
    } catch {
      break;
    }
  }
  if (o.dashboard) {
    // Ctrl-C reached the dashboard too; without --every, serve now until it comes.
    if (dashboard) {
      dashboard.stop();
      await dashboard.done;
    } else {
      await (await import('./dashboard.ts')).dashboardCommand(g, {});
    }
    if (failed) process.exitCode = 1;
    return;
  }
  process.exitCode = failed ? 1 : 0;
}

/** `pulse scrape|write|load`: one step, under the same lock as a whole run. */
export async function stepCommand(g: GlobalOpts, step: StepName): Promise<void> {
  const config = await loadConfig(g.config);
  const release = await acquireLock(lockPath(config.lakeLocation));
  try {
    const report = await forkStep(step, stepEntry(step), ['--config', config.file, '--run-id', newRunId()]);
    for (const line of report.lines) out(line);
    process.exitCode = report.status === 'failed' ? 1 : 0;
  } finally {
    await release();
  }
}
