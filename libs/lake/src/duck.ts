import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, type DuckDBConnection } from '@social-pulse/runtime';

/** An in-memory DuckDB and a scratch folder (`pulse-<name>-…`) for one piece of lake work, both closed and removed after it. */
export async function withDuck<T>(name: string, fn: (conn: DuckDBConnection, work: string) => Promise<T>, opts: { threads?: number } = {}): Promise<T> {
  const work = await mkdtemp(path.join(os.tmpdir(), `pulse-${name}-`));
  const { db, conn } = await openDuckDB(':memory:', opts);
  try {
    return await fn(conn, work);
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}
