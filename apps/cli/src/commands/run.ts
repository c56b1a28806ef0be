import { setTimeout as sleep } from 'node:timers/promises';
import { everyProblem, loadConfig, parseDuration } from '@social-pulse/config';
import { acquireLock, configSecrets, forkStep, lockPath, recordRuns, runPipeline, STEPS, stepRows, type RunSummary, type StepName } from '@social-pulse/pipeline';
import { nlpShardTag, parseNlpShard } from '@social-pulse/lake';
import { SHARD_ENV } from '@social-pulse/nlp';
import { PulseError, createLogger, maskSecrets, newRunId, registerSecrets } from '@social-pulse/runtime';
import { idleProbe } from '../idle.ts';
import { stepAvailable, stepEntry } from '../steps.ts';

interface GlobalOpts {
  config: string;
}

const out = (line: string) => process.stdout.write(`${maskSecrets(line)}\n`);

/** The step attempt running now, for the line printed when the run is stopped from outside. */
let current: { step: StepName; attempt: string } | undefined;

/**
 * Before each run, when `pulse` runs compiled: the steps start from an up-to-date build, even
 * in a `--every` process that has been running since before a source was edited (the build is
 * made again; where it cannot be, the steps run from the sources through tsx).
 */
async function checkCompiled(): Promise<void> {
  if (!process.env.PULSE_COMPILED_DIR) return;
  const { ensureCompiled } = await import('../../bin/compiled.mjs');
  const r = await ensureCompiled();
  if (r.dir !== undefined) {
    process.env.PULSE_COMPILED_DIR = r.dir;
  } else {
    process.stderr.write(`pulse: the steps run from the TypeScript sources through tsx (slower): ${r.error}\n`);
    delete process.env.PULSE_COMPILED_DIR;
  }
}

/**
 * One pipeline run under the lock: each step in its own process, retried on failure; a step
 * that still fails stops the ones after it (see runPipeline).
 */
export async function pipelineOnce(configFile: string, skip: Set<string> = new Set()): Promise<RunSummary> {
  await checkCompiled();
  const config = await loadConfig(configFile);
  return runPipeline(
    config,
    {
      launch: (step, args, opts) => {
        current = { step, attempt: args[args.indexOf('--attempt') + 1] ?? '1' };
        return forkStep(step, stepEntry(step), args, opts).finally(() => (current = undefined));
      },
      enabled: async (step) => step !== 'enrich' || (config.nlp.enabled && (await stepAvailable(step))),
      idle: idleProbe(config),
      out,
    },
    { skip },
  );
}

export async function runCommand(g: GlobalOpts, o: { every?: string; dashboard?: boolean; skip?: string }): Promise<void> {
  const skip = new Set((o.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  for (const s of skip) if (!(STEPS as readonly string[]).includes(s)) throw new PulseError(`--skip: unknown step "${s}" (steps: ${STEPS.join(', ')})`, 2);
  const badEvery = o.every !== undefined ? everyProblem(o.every) : null;
  if (badEvery) throw new PulseError(`--every: ${badEvery}`, 2);
  const every = o.every !== undefined ? parseDuration(o.every) : undefined;
  let failed = false;
  let dashboard: { done: Promise<number>; stop(): void } | undefined;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  // SIGTERM during a run (systemd stopping the unit, a supervisor's timeout) used to end it
  // without a word: exit 143 and nothing on stdout. Say what was stopped. The step process
  // sees its parent gone and stops too; every step is safe against that, and the next run
  // takes the lock over and resumes.
  const stopped = () => {
    out(`pulse run: stopped by SIGTERM${current ? ` while ${current.step} (attempt ${current.attempt}) ran` : ''}; the next run resumes from the last saved state`);
    process.exit(143);
  };
  for (;;) {
    const started = Date.now();
    process.on('SIGTERM', stopped);
    const summary = await pipelineOnce(g.config, skip).finally(() => process.off('SIGTERM', stopped));
    failed = summary.status === 'failed';
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

/**
 * `pulse scrape|write|enrich|load`: one step, under the same lock as a whole run. A shard of
 * enrich (`--shard`) takes a lock of its own instead: shards are made to run side by side,
 * and each writes only files and a state document of its own.
 */
export async function stepCommand(g: GlobalOpts, step: StepName, o: { shard?: string } = {}): Promise<void> {
  const shard = o.shard !== undefined ? parseNlpShard(o.shard, process.env) : undefined;
  const config = await loadConfig(g.config);
  registerSecrets(configSecrets(config));
  const lock = lockPath(config.lakeLocation);
  const release = await acquireLock(shard ? lock.replace(/\.lock$/, `.enrich-${nlpShardTag(shard)}.lock`) : lock);
  try {
    const env = shard ? { env: { [SHARD_ENV]: `${shard.index}/${shard.count}` } } : {};
    const runId = newRunId();
    // The step records its rows of the history itself (--record-history); one that died could not say how it ended: this process does.
    const report = await forkStep(step, stepEntry(step), ['--config', config.file, '--run-id', runId, '--record-history'], env);
    if (!report.recorded) await recordRuns(config, stepRows(runId, step, report), createLogger(step));
    for (const line of report.lines) out(line);
    process.exitCode = report.status === 'failed' ? 1 : 0;
  } finally {
    await release();
  }
}
