import { spawn } from 'node:child_process';
import { mkdtemp, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { announceWriter, DuckDBWarehouse } from '@social-pulse/warehouse';
import { describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../src/access.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Writes `file` from another process (file locks are per process), with DuckDB alone; resolves with its exit code and output. */
function writeFromAnotherProcess(file: string, sql: string): Promise<{ code: number | null; out: string }> {
  const script = `const { DuckDBInstance } = await import('@duckdb/node-api');
const db = await DuckDBInstance.create(${JSON.stringify(file)});
const c = await db.connect();
await c.run(${JSON.stringify(sql)});
c.closeSync(); db.closeSync();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** Waits for a condition (a hang guard bounds it; nothing here depends on how long it takes). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; !ok(); i++) {
    if (i > 6000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('the dashboard keeps the DuckDB file open between requests', () => {
  it('opens it once for many requests, lets go of it for an announced writer, and reads what that writer wrote', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'dash-access-')), 'warehouse.duckdb');
    const w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.close();
    const access = WarehouseAccess.of({ kind: 'duckdb', path: file });
    try {
      const tables = () => access.use((r) => r.query<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'written_meanwhile'`));
      for (let i = 0; i < 3; i++) expect((await tables())[0]!.n).toBe(0);
      expect(access.opened).toBe(1);
      expect(access.isOpen).toBe(true);

      // A writer of the pipeline announces itself: the idle dashboard lets go of the file, and
      // another process can then open it for writing (DuckDB refuses it while a reader holds it).
      const withdraw = await announceWriter(file);
      try {
        await until('the dashboard to let go of the file', () => !access.isOpen);
        const written = await writeFromAnotherProcess(file, 'CREATE TABLE written_meanwhile AS SELECT 42 AS x');
        expect(written.code, written.out).toBe(0);
      } finally {
        await withdraw();
      }
      // The next request opens the file again and sees the write.
      expect((await tables())[0]!.n).toBe(1);
      expect(access.opened).toBe(2);
      expect(await access.use((r) => r.query<{ x: number }>('SELECT x FROM written_meanwhile'))).toEqual([{ x: 42 }]);
      expect(access.opened).toBe(2);
    } finally {
      await access.close();
    }
    expect(access.isOpen).toBe(false);
  }, 120_000);

  it('opens the file again when it changed without an announced writer (a file put in its place)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dash-access-'));
    const file = path.join(dir, 'warehouse.duckdb');
    const w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.close();
    const access = WarehouseAccess.of({ kind: 'duckdb', path: file });
    try {
      const runs = () => access.use((r) => r.query<{ n: number }>(`SELECT count(*) AS n FROM pulse_state WHERE "key" = 'replaced'`));
      expect((await runs())[0]!.n).toBe(0);
      // Another warehouse, with one more state entry, renamed over the file.
      const other = path.join(dir, 'other.duckdb');
      const o = await DuckDBWarehouse.open(other);
      await o.ensureSchema();
      await o.setState('replaced', 'yes');
      await o.close();
      await rename(other, file);
      expect((await runs())[0]!.n).toBe(1);
      expect(access.opened).toBe(2);
    } finally {
      await access.close();
    }
  }, 120_000);
});
