import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '@social-pulse/config';
import { silentLogger } from '@social-pulse/runtime';
import { openWarehouse } from '@social-pulse/warehouse';
import { acquireRunLock, lockPath } from './lock.ts';
import { runStep } from './harness.ts';
import { runPipeline } from './orchestrate.ts';
import type { StepName, StepReport } from './report.ts';
import type { HistoryHandoff } from './runs.ts';

const report = (step: StepName, status: StepReport['status'], over: Partial<StepReport> = {}): StepReport => ({
  step, status, rowsIn: 1, rowsOut: 1, rowsRejected: 0, retries: 0, lines: [`${step} ${status}`],
  startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), ...over,
});

async function setup(extra: Record<string, unknown> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-orch-'));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, '');
  return resolveConfig({ lake: './lake', warehouse: 'duckdb:./w.duckdb', retry: { steps: 2, backoffMs: 1 }, ...extra }, file, { env: {} });
}

describe('runPipeline', () => {
  it('retries a failed step, stops its dependants after the last attempt, records why, and notifies once', async () => {
    const posts: unknown[] = [];
    const hook = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => (posts.push(JSON.parse(b)), res.writeHead(200).end('{}')));
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const config = await setup({ notify: { webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` } });
    const calls: string[] = [];
    const out: string[] = [];
    const summary = await runPipeline(
      config,
      {
        launch: async (step, args) => {
          const attempt = args[args.indexOf('--attempt') + 1];
          calls.push(`${step}#${attempt}`);
          if (step === 'scrape' && attempt === '1') return report(step, 'failed', { error: 'the step process was killed by SIGKILL' });
          if (step === 'lake-write') return report(step, 'failed', { error: 'disk full' });
          return report(step, 'ok');
        },
        enabled: async (step) => step !== 'enrich',
        out: (l) => out.push(l),
        log: silentLogger,
      },
    );
    hook.close();
    expect(calls).toEqual(['scrape#1', 'scrape#2', 'lake-write#1', 'lake-write#2', 'lake-write#3']);
    expect(summary).toMatchObject({ status: 'failed', failed: { step: 'lake-write', error: 'disk full' }, notRun: ['load'], notified: true });
    expect(out).toContain('load          not run: lake-write failed (disk full)');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ failed_step: 'lake-write', not_run: ['load'], steps: [{ step: 'scrape', attempts: 2 }, { step: 'lake-write', attempts: 3 }] });

    const w = await openWarehouse(config.warehouseLocation);
    const rows = await w.query<{ step: string; status: string; retries: bigint; error: string; details: string }>(
      'SELECT step, status, retries, error, details FROM pipeline_runs ORDER BY started_at, step',
    );
    await w.close();
    expect(rows.map((r) => [r.step, r.status, Number(r.retries)])).toEqual([['scrape', 'ok', 1], ['lake-write', 'failed', 2], ['load', 'skipped', 0]]);
    expect(JSON.parse(rows[1]!.details).failedAttempts).toEqual(['attempt 1: disk full', 'attempt 2: disk full', 'attempt 3: disk full']);
  });

  it('does not retry what a new attempt cannot fix, and closes rows left running by a dead run', async () => {
    const config = await setup();
    const w = await openWarehouse(config.warehouseLocation);
    await w.recordRun({ run_id: 'dead', step: 'load', source: '*', started_at: '2026-11-20T00:00:00.000Z', finished_at: null, status: 'running', rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null });
    await w.close();
    const calls: string[] = [];
    const summary = await runPipeline(config, {
      launch: async (step) => (calls.push(step), report(step, 'failed', { error: 'every source failed', retryable: false, recorded: true })),
      out: () => undefined,
      log: silentLogger,
    }, { skip: new Set(['enrich']) });
    expect(calls).toEqual(['scrape']);
    expect(summary.notRun).toEqual(['lake-write', 'load']);
    const again = await openWarehouse(config.warehouseLocation);
    const [dead] = await again.query<{ status: string; error: string }>(`SELECT status, error FROM pipeline_runs WHERE run_id = 'dead'`);
    await again.close();
    expect(dead).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) });
  });

  it('runs a step whose needs did not fail (load after a failed enrich), and passes a failure on through a step left out', async () => {
    const config = await setup({ retry: { steps: 0, backoffMs: 1 } });
    const calls: string[] = [];
    const out: string[] = [];
    const summary = await runPipeline(config, {
      launch: async (step) => (calls.push(step), step === 'enrich' ? report(step, 'failed', { error: 'no models' }) : report(step, 'ok')),
      out: (l) => out.push(l),
      log: silentLogger,
    });
    expect(calls).toEqual(['scrape', 'lake-write', 'enrich', 'load']);
    expect(summary).toMatchObject({ status: 'failed', failed: { step: 'enrich', error: 'no models' }, notRun: [] });

    calls.length = 0;
    const skipped = await runPipeline(config, {
      launch: async (step) => (calls.push(step), step === 'scrape' ? report(step, 'failed', { error: 'offline', retryable: false }) : report(step, 'ok')),
      out: (l) => out.push(l),
      log: silentLogger,
    }, { skip: new Set(['lake-write']) });
    expect(calls).toEqual(['scrape']);
    expect(skipped.notRun).toEqual(['enrich', 'load']);
    expect(out).toContain('enrich        not run: scrape failed (offline)');
  });

  it('starts no process for a step with nothing new (idle), and hands the rows it holds to load, which writes them with its own', async () => {
    const config = await setup({ retry: { steps: 0, backoffMs: 1 } });
    const w = await openWarehouse(config.warehouseLocation);
    await w.recordRun({ run_id: 'dead', step: 'lake-write', source: '*', started_at: '2026-11-20T00:00:00.000Z', finished_at: null, status: 'running', rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null });
    await w.close();
    const calls: string[] = [];
    const handed: HistoryHandoff[] = [];
    const out: string[] = [];
    const summary = await runPipeline(config, {
      launch: async (step, args, opts) => {
        calls.push(`${step} ${args.filter((a) => a === '--record-history').join('')}`.trim());
        if (step !== 'load') return report(step, 'ok');
        // What load's process does (stepMain with --record-history): the handed rows, then its own.
        handed.push(structuredClone(opts.history!));
        const runId = args[args.indexOf('--run-id') + 1]!;
        return runStep('load', async () => ({ status: 'ok', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, lines: ['load done'] }), { config, runId, handoff: opts.history! });
      },
      idle: async (step) => {
        if (step === 'enrich') throw new Error('cannot tell');
        return step === 'lake-write';
      },
      out: (l) => out.push(l),
      log: silentLogger,
    }, { skip: new Set(['scrape']) });
    expect(summary.status).toBe('ok');
    // lake-write was idle; enrich's probe failed, so it ran; load was asked to record the history.
    expect(calls).toEqual(['enrich', 'load --record-history']);
    expect(out).toContain('lake-write    0 raw pages → 0 posts, 0 new; 0 rows rewritten in 0 Parquet files');
    expect(summary.reports.map((r) => [r.step, r.status])).toEqual([['lake-write', 'ok'], ['enrich', 'ok'], ['load', 'ok']]);
    // Load got enrich's outcome (lake-write's went out with enrich's running row, closing the dead run's row first).
    expect(handed).toHaveLength(1);
    expect(handed[0]!.rows.map((r) => [r.step, r.status])).toEqual([['enrich', 'ok']]);
    expect(handed[0]!.closeInterrupted).toBe(false);
    const again = await openWarehouse(config.warehouseLocation);
    const rows = await again.query<{ run_id: string; step: string; status: string; finished: boolean }>(
      `SELECT run_id, step, status, finished_at IS NOT NULL AS finished FROM pipeline_runs ORDER BY run_id = 'dead' DESC, step`,
    );
    await again.close();
    expect(rows.map((r) => [r.run_id === 'dead' ? 'dead' : 'this', r.step, r.status, r.finished])).toEqual([
      ['dead', 'lake-write', 'failed', true],
      ['this', 'enrich', 'ok', true],
      ['this', 'lake-write', 'ok', true],
      ['this', 'load', 'ok', true],
    ]);
  });

  it('leaves the dead run\'s rows and the idle steps\' rows to load when nothing ran before it, and writes them itself when load could not', async () => {
    const config = await setup({ retry: { steps: 0, backoffMs: 1 } });
    const w = await openWarehouse(config.warehouseLocation);
    await w.recordRun({ run_id: 'dead', step: 'load', source: '*', started_at: '2026-11-20T00:00:00.000Z', finished_at: null, status: 'running', rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null });
    await w.close();
    const handed: HistoryHandoff[] = [];
    const summary = await runPipeline(config, {
      // Load's process died before it could record anything.
      launch: async (step, _args, opts) => (handed.push(structuredClone(opts.history!)), report(step, 'failed', { error: 'the step process was killed by SIGKILL', retryable: false })),
      idle: async () => true,
      out: () => undefined,
      log: silentLogger,
    }, { skip: new Set(['scrape']) });
    expect(summary).toMatchObject({ status: 'failed', failed: { step: 'load' } });
    expect(handed.map((h) => [h.rows.map((r) => r.step), h.closeInterrupted])).toEqual([[['lake-write', 'enrich'], true]]);
    const again = await openWarehouse(config.warehouseLocation);
    const rows = await again.query<{ run_id: string; step: string; status: string }>(`SELECT run_id, step, status FROM pipeline_runs ORDER BY run_id = 'dead' DESC, step`);
    await again.close();
    expect(rows.map((r) => [r.run_id === 'dead' ? 'dead' : 'this', r.step, r.status])).toEqual([
      ['dead', 'load', 'failed'],
      ['this', 'enrich', 'ok'],
      ['this', 'lake-write', 'ok'],
      ['this', 'load', 'failed'],
    ]);
  });

  it('refuses a second run while one holds the lock, and takes over a lock whose processes are gone', async () => {
    const config = await setup();
    const lock = await acquireRunLock(lockPath(config.lakeLocation));
    await expect(runPipeline(config, { launch: async (s) => report(s, 'ok'), out: () => undefined, log: silentLogger })).rejects.toThrow(/another pulse run is in progress/);
    await lock.release();
    await writeFile(lockPath(config.lakeLocation), JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), started: 'then', child: 2 ** 22 + 2 }));
    const summary = await runPipeline(config, { launch: async (s) => report(s, 'ok'), out: () => undefined, log: silentLogger }, { skip: new Set(['enrich']) });
    expect(summary.status).toBe('ok');
  });
});
