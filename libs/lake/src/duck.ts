import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, type DuckDBConnection } from '@social-pulse/runtime';

/** An in-memory DuckDB and a scratch folder (`pulse-<name>-…`) for lake work; `close` closes the one and removes the other. */
export interface ScratchDuck {
  conn: DuckDBConnection;
  work: string;
  close(): Promise<void>;
}

/** Opens a {@link ScratchDuck}, for work that outlives one call (see {@link withDuck} for one that does not). */
export async function openScratchDuck(name: string, opts: { threads?: number } = {}): Promise<ScratchDuck> {
  const work = await mkdtemp(path.join(os.tmpdir(), `pulse-${name}-`));
  let duck: Awaited<ReturnType<typeof openDuckDB>>;
  try {
    duck = await openDuckDB(':memory:', opts);
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
  return {
    conn: duck.conn,
    work,
    async close() {
      duck.conn.closeSync();
      duck.db.closeSync();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** An in-memory DuckDB and a scratch folder (`pulse-<name>-…`) for one piece of lake work, both closed and removed after it. */
export async function withDuck<T>(name: string, fn: (conn: DuckDBConnection, work: string) => Promise<T>, opts: { threads?: number } = {}): Promise<T> {
  const duck = await openScratchDuck(name, opts);
  try {
    return await fn(duck.conn, duck.work);
  } finally {
    await duck.close();
  }
}
