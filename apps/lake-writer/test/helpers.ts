import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { loadConfig } from '@social-pulse/config';
import { LocalStore } from '@social-pulse/lake';
import { openDuckDB, queryRows, silentLogger, sqlStringList } from '@social-pulse/runtime';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/**
 * A scratch workspace for the lake writer (removed after the test): a Mastodon configuration
 * with a local lake, the lake's store, and the context of a run of the step.
 */
export async function lakeWriterWorkspace(prefix: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, `lake: ./lake\nwarehouse: duckdb:./wh.duckdb\nsources:\n  - type: mastodon\n    instances: [https://example.social]\n    tags: [dataengineering]\n`);
  const config = await loadConfig(file);
  const store = new LocalStore(path.join(dir, 'lake'));
  const ctx = (runId: string, env: NodeJS.ProcessEnv = {}) => ({ config, runId, log: silentLogger, env, signal: new AbortController().signal });
  return { dir, store, ctx };
}

/** `select` over every row of the workspace's posts/ (as `posts`), ordered by post_id. */
export async function lakePostRows<T = Record<string, unknown>>(dir: string, select = '*'): Promise<T[]> {
  const { db, conn } = await openDuckDB(':memory:');
  try {
    return await queryRows<T>(conn, `SELECT ${select} FROM read_parquet(${sqlStringList([path.join(dir, 'lake/posts/**/*.parquet')])}, hive_partitioning = false) ORDER BY post_id`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
