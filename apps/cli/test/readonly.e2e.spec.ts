import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { pulse, workspace } from './helpers.ts';

/** A workspace with an empty warehouse (schema only) and no sources. */
async function withWarehouse(): Promise<{ config: string; file: string; dir: string }> {
  const ws = await workspace('lake: ./data/lake\nwarehouse: duckdb:./data/warehouse.duckdb\nsources: []\n');
  const file = path.join(ws.dir, 'data/warehouse.duckdb');
  await mkdir(path.dirname(file), { recursive: true });
  const w = await DuckDBWarehouse.open(file);
  await w.ensureSchema();
  await w.close();
  return { ...ws, file };
}

// `pulse status` and `pulse doctor` only read the warehouse: a DuckDB file admits one writer or
// readers, so they must open it read-only, beside a reader (the dashboard), and say so when a
// writer (a run's load) holds it.
describe('status and doctor open the warehouse read-only', { timeout: 300_000 }, () => {
  it('beside a process that holds it read-only (the dashboard): both answer at once', async () => {
    const ws = await withWarehouse();
    const reader = await DuckDBWarehouse.open(ws.file, { readOnly: true });
    try {
      const status = await pulse(['status', '--json', '--config', ws.config]);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ sources: [], last_run: null });
      const doctor = await pulse(['doctor', '--offline', '--config', ws.config]);
      expect(doctor.stdout).toMatch(/ok\s+warehouse\s+duckdb:\.\/data\/warehouse\.duckdb: 0 posts/);
      expect(doctor.code, doctor.stdout).toBe(0);
    } finally {
      await reader.close();
    }
  });

  it('while a writer holds it: status waits its bound, then says the warehouse is busy; doctor warns', async () => {
    const ws = await withWarehouse();
    const writer = await DuckDBWarehouse.open(ws.file);
    try {
      const status = await pulse(['status', '--config', ws.config]);
      expect(status.code).toBe(1);
      expect(status.stderr).toContain(`pulse: busy: the warehouse ${ws.file} is being written by process ${process.pid}`);
      expect(status.stderr).toContain('try again in a moment');
      const doctor = await pulse(['doctor', '--offline', '--config', ws.config]);
      expect(doctor.stdout).toMatch(new RegExp(`warn\\s+warehouse\\s+busy, not checked: the warehouse ${ws.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is being written by process ${process.pid}`));
      expect(doctor.code, doctor.stdout).toBe(0);
    } finally {
      await writer.close();
    }
  });

  it('status reads a warehouse older than dq_checks without adding the table', async () => {
    const ws = await withWarehouse();
    const w = await DuckDBWarehouse.open(ws.file);
    await w.query('DROP TABLE dq_checks');
    await w.close();
    const status = await pulse(['status', '--config', ws.config]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('data quality: no checks yet');
    const r = await DuckDBWarehouse.open(ws.file, { readOnly: true });
    try {
      expect(await r.query("SELECT table_name FROM information_schema.tables WHERE table_name = 'dq_checks'")).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('doctor on a missing DuckDB warehouse warns and does not create it', async () => {
    const ws = await workspace('lake: ./data/lake\nwarehouse: duckdb:./data/warehouse.duckdb\nsources: []\n');
    const doctor = await pulse(['doctor', '--offline', '--config', ws.config]);
    expect(doctor.stdout).toMatch(/warn\s+warehouse\s+\S+warehouse\.duckdb does not exist yet: `pulse run` \(or `pulse load`\) creates it/);
    expect(existsSync(path.join(ws.dir, 'data/warehouse.duckdb'))).toBe(false);
  });
});
