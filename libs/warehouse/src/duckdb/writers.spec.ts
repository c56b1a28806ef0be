import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from './warehouse.ts';
import { announcedWriters, announceWriter } from './writers.ts';

async function warehouseFile(): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'wh-writers-')), 'w.duckdb');
  const w = await DuckDBWarehouse.open(file);
  await w.ensureSchema();
  await w.close();
  return file;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('writers first', () => {
  it('a writer is announced while it holds the file, and withdrawn when it closes it', async () => {
    const file = await warehouseFile();
    expect(await announcedWriters(file)).toEqual([]);
    const w = await DuckDBWarehouse.open(file);
    expect(await announcedWriters(file)).toEqual([process.pid]);
    await w.close();
    expect(await announcedWriters(file)).toEqual([]);
  });

  it('a reader opens nothing while a writer is announced', async () => {
    const file = await warehouseFile();
    const withdraw = await announceWriter(file);
    const events: string[] = [];
    const reading = DuckDBWarehouse.open(file, { readOnly: true, waitMs: 120_000 }).then((r) => {
      events.push('opened');
      return r;
    });
    // The reader is waiting now, or has not started yet: either way it must not open first.
    await new Promise((r) => setTimeout(r, 300));
    events.push('withdrawn');
    await withdraw();
    const r = await reading;
    await r.close();
    expect(events).toEqual(['withdrawn', 'opened']);
  });

  it('ignores and removes the marker of a writer that died, and a reader is not kept out by a stale one', async () => {
    const file = await warehouseFile();
    const dead = await deadPid();
    await writeFile(path.join(`${file}.writers`, `${dead}-1`), '{}');
    expect(await announcedWriters(file)).toEqual([]);
    expect(await readdir(`${file}.writers`)).toEqual([]);
    // A marker of a live process that holds nothing (a reused pid): the reader waits its
    // bound, then opens.
    const stale = await announceWriter(file);
    const r = await DuckDBWarehouse.open(file, { readOnly: true, waitMs: 100 });
    expect((await r.query<{ n: number }>('SELECT count(*) AS n FROM pipeline_runs'))[0]!.n).toBe(0);
    await r.close();
    await stale();
  });
});
