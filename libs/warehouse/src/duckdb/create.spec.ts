import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { openWarehouse } from '../open.ts';
import { createDuckDBWarehouseFile } from './create.ts';

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'wh-create-'));
  dirs.push(d);
  return d;
};

async function tables(file: string): Promise<string[]> {
  const { db, conn } = await openDuckDB(file, { readOnly: true });
  try {
    const rows = await queryRows<{ name: string }>(conn, `SELECT table_name AS name FROM information_schema.tables ORDER BY 1`);
    return rows.map((r) => r.name);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('a new DuckDB warehouse file', () => {
  it('appears with its whole schema, and nothing of its making is left beside it', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'w.duckdb');
    await createDuckDBWarehouseFile(file);
    expect(await tables(file)).toEqual(expect.arrayContaining(['posts', 'post_nlp', 'pipeline_runs', 'dq_checks', 'pulse_state', 'posts_enriched']));
    expect(await readdir(dir)).toEqual(['w.duckdb']);
  });

  it('never replaces a warehouse that exists, and removes the partial file of a creator that died', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'w.duckdb');
    const w = await openWarehouse({ kind: 'duckdb', path: file });
    await w.query(`INSERT INTO pulse_state VALUES ('k', 'kept', now())`);
    await w.close();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(`${file}.creating-${dead}-abcd1234`, 'half a database');
    await rm(file + '.wal', { force: true });
    await createDuckDBWarehouseFile(file);
    const again = await openWarehouse({ kind: 'duckdb', path: file });
    try {
      expect(await again.query<{ value: string }>(`SELECT value FROM pulse_state WHERE key = 'k'`)).toEqual([{ value: 'kept' }]);
    } finally {
      await again.close();
    }
    // The file exists, so nothing was created and the stale partial stays until a creation runs.
    await rm(file);
    await createDuckDBWarehouseFile(file);
    expect((await readdir(dir)).filter((n) => n.includes('.creating-'))).toEqual([]);
  });
});
