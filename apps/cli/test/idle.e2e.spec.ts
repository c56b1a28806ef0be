import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { algoliaHit, startFakeAlgolia, type ReplayServer } from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const RECORDER = fileURLToPath(new URL('./record-modules.mjs', import.meta.url));
/** What an idle run must not load: a model runtime, or a Google client. */
const HEAVY = /\/node_modules\/(onnxruntime-node|onnxruntime-common|@huggingface\/transformers|sharp|@google-cloud\/[^/]+|google-auth-library|gcp-metadata)\//;

interface ProcessModules {
  argv: string;
  modules: string[];
}

/** What each process of one `pulse` command loaded (see record-modules.mjs). */
async function modulesOf(dir: string): Promise<ProcessModules[]> {
  const out: ProcessModules[] = [];
  for (const f of await readdir(dir)) {
    const lines = (await readFile(path.join(dir, f), 'utf8')).trim().split('\n');
    out.push({
      argv: lines.find((l) => l.startsWith('argv '))?.slice(5) ?? '',
      modules: lines.filter((l) => !l.startsWith('argv ')).map((l) => decodeURIComponent(l.slice(4))),
    });
  }
  return out;
}

const t0 = Date.UTC(2026, 10, 10) / 1000;

describe('pulse run with nothing new', { timeout: 600_000 }, () => {
  it('starts no model and opens no Google client in any of its processes, starts no step with nothing new, and each step that runs does so in its own', async () => {
    const hn = await startFakeAlgolia(() => Array.from({ length: 12 }, (_, i) => algoliaHit(String(41000000 + i), t0 + i * 60)));
    servers.push(hn);
    const ws = await workspace(`
lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 1, backoffMs: 20 }
retry: { steps: 0 }
sources:
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`);
    const record = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-modules-'));
      const r = await pulse([...args, '--config', ws.config], { NODE_OPTIONS: `--import=${RECORDER}`, PULSE_TEST_MODULES_DIR: dir, ...env });
      return { ...r, processes: await modulesOf(dir) };
    };

    // The recorder sees a model being started: the first run labels posts.
    const first = await record(['run']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/enrich\s+12 posts read/);
    const enrichFirst = first.processes.find((p) => /enrich\.mjs|nlp-enricher/.test(p.argv));
    expect(enrichFirst?.modules.filter((m) => HEAVY.test(m)).join('\n')).toMatch(/onnxruntime-node[\s\S]*|@huggingface\/transformers/);

    const light = (r: Awaited<ReturnType<typeof record>>, steps: string[]) => {
      expect(r.code, r.stderr).toBe(0);
      // pulse itself and one process per step: crash isolation is kept.
      expect(r.processes.map((p) => p.argv.split(' ')[0]!.replace(/.*\//, '')).sort()).toEqual(['pulse.mjs', ...steps.map((s) => `${s}.mjs`)].sort());
      for (const p of r.processes) expect({ process: p.argv, heavy: p.modules.filter((m) => HEAVY.test(m)) }).toEqual({ process: p.argv, heavy: [] });
    };
    // The source has nothing new (its newest post comes again, as the scraper's overlap asks for it).
    const again = await record(['run']);
    light(again, ['scrape', 'lake-write', 'enrich', 'load']);
    expect(again.stdout).toMatch(/enrich\s+12 posts read, 12 already labelled; 0 labelled/);
    // Nothing new at all: pulse sees it from lake-write's and enrich's watermarks, as they would,
    // and starts neither; load runs (it also checks quality and counts events).
    const idle = await record(['run', '--skip', 'scrape']);
    light(idle, ['load']);
    expect(idle.stdout).toMatch(/lake-write\s+0 raw pages/);
    expect(idle.stdout).toMatch(/enrich\s+no new posts/);
    expect(idle.stdout).toMatch(/load\s+0 Parquet files/);
    // Only load loads DuckDB: it records the run's history (pulse hands it the rows of the steps not started).
    const duck = idle.processes.filter((p) => p.modules.some((m) => /\/node_modules\/@duckdb\/node-bindings[^/]*\//.test(m)));
    expect(duck.map((p) => p.argv.split(' ')[0]!.replace(/.*\//, '')).sort()).toEqual(['load.mjs']);
    const runId = /pulse run (\S+)/.exec(idle.stdout)![1]!;
    const { db, conn } = await openDuckDB(path.join(ws.dir, 'data/warehouse.duckdb'), { readOnly: true });
    const history = await queryRows<{ step: string; status: string; finished: boolean }>(
      conn,
      `SELECT step, status, finished_at IS NOT NULL AS finished FROM pipeline_runs WHERE run_id = $runId AND source = '*' ORDER BY started_at, step`,
      { runId },
    ).finally(() => (conn.closeSync(), db.closeSync()));
    expect(history).toEqual([
      { step: 'lake-write', status: 'ok', finished: true },
      { step: 'enrich', status: 'ok', finished: true },
      { step: 'load', status: 'ok', finished: true },
    ]);
    // A setting the step itself must check (a thread count) makes pulse start it even with nothing new.
    const checked = await record(['run', '--skip', 'scrape,enrich'], { PULSE_LAKE_WRITE_THREADS: '1' });
    light(checked, ['lake-write', 'load']);
    expect(checked.stdout).toMatch(/lake-write\s+0 raw pages/);
  });
});
