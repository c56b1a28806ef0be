import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { openDuckDB, pidAlive } from '@social-pulse/runtime';
import { DUCKDB_DDL } from './ddl.ts';

const PARTIAL = '.creating-';

/**
 * Creates the DuckDB warehouse file with its whole schema, or leaves it as it is if it exists.
 * Opening a DuckDB file creates it at once, empty: a process killed before its first CREATE
 * TABLE would leave a warehouse without tables, where every reader (status, the dashboard)
 * fails. So the file is built beside its final name and then hard-linked into place, which,
 * unlike a rename, never replaces a warehouse another process created (and may be writing) in
 * the meantime. Partial files of killed creators are removed.
 */
export async function createDuckDBWarehouseFile(file: string): Promise<void> {
  if (existsSync(file)) return;
  const dir = path.dirname(file);
  const base = path.basename(file);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = name.startsWith(base + PARTIAL) ? Number(name.slice(base.length + PARTIAL.length).split('-')[0]) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) await rm(path.join(dir, name), { force: true });
  }
  const partial = `${file}${PARTIAL}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const { db, conn } = await openDuckDB(partial);
    try {
      for (const ddl of DUCKDB_DDL) await conn.run(ddl);
      // Everything into the file itself, so that the linked name needs no WAL beside it.
      await conn.run('CHECKPOINT');
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    await link(partial, file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  } finally {
    await rm(partial, { force: true });
    await rm(`${partial}.wal`, { force: true });
  }
}
