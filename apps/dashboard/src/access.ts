import { stat } from 'node:fs/promises';
import type { WarehouseLocation } from '@social-pulse/config';
import { announcedWriters, openWarehouse, type Warehouse } from '@social-pulse/warehouse';

/** The warehouse is not there yet (no run has loaded it): the page says what to do. */
export class WarehouseNotReady extends Error {
  override readonly name = 'WarehouseNotReady';
}

/** How often an open DuckDB file is checked for an announced writer (it is then let go of). */
const WRITER_POLL_MS = 50;

/** What identifies one version of the file: a load that finished, or a file put in its place, changes it. */
const versionOf = async (file: string): Promise<string | undefined> => {
  const one = (f: string) => stat(f).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => undefined);
  const [main, wal] = await Promise.all([one(file), one(`${file}.wal`)]);
  return main === undefined ? undefined : `${main}/${wal ?? ''}`;
};

/**
 * The dashboard's hold on the warehouse. A DuckDB file admits one writer *or* readers, and
 * the pipeline's writes (the load, each step's row of pipeline_runs) must never wait for the
 * dashboard. The file is opened read-only once and kept open between requests (its caches
 * stay warm: opening a 2 GB file and reading its first blocks again for every request cost
 * more than a 30-day page's queries), and let go of:
 *
 * - as soon as a writer of the pipeline announces itself (see @social-pulse/warehouse's
 *   writers.ts; checked every WRITER_POLL_MS): at once when no request is under way, else
 *   when the one under way ends, so a writer waits for one request at most, as before;
 * - before a request that finds the file changed since it was opened (replaced, or written by
 *   a process that does not announce itself): the request reads the new file.
 *
 * A request that finds a writer announced opens nothing until it is gone (a while, then a
 * 503, WarehouseBusy, that the page shows). Requests are serialized; the panels of one
 * request run concurrently on the warehouse's own connections.
 */
export class WarehouseAccess {
  private queue: Promise<unknown> = Promise.resolve();
  /** The open warehouse (DuckDB: until a writer comes; BigQuery: one client for every request). */
  private held: Warehouse | undefined;
  /** The file's version when `held` was opened (DuckDB). */
  private heldVersion: string | undefined;
  private busy = false;
  private poll: NodeJS.Timeout | undefined;
  /** How many times the DuckDB file was opened (tests). */
  opened = 0;

  private constructor(
    private readonly location: WarehouseLocation | undefined,
    private readonly fixed: Warehouse | undefined,
  ) {}

  static of(location: WarehouseLocation): WarehouseAccess {
    return new WarehouseAccess(location, undefined);
  }

  /** An already-open warehouse that stays open (tests, BigQuery). */
  static fixed(w: Warehouse): WarehouseAccess {
    return new WarehouseAccess(undefined, w);
  }

  /** Whether the DuckDB file is open now (tests: it is let go of for a writer). */
  get isOpen(): boolean {
    return this.held !== undefined;
  }

  use<T>(fn: (w: Warehouse) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.fixed) return fn(this.fixed);
      if (this.location!.kind !== 'duckdb') return fn((this.held ??= await openWarehouse(this.location!, { readOnly: true })));
      this.busy = true;
      try {
        return await fn(await this.duckdb(this.location!.path));
      } finally {
        this.busy = false;
        // A writer announced during the request gets the file now.
        if (this.held && (await announcedWriters(this.location!.path)).length) await this.letGo();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The open DuckDB warehouse, opened again if a writer came or the file changed meanwhile. */
  private async duckdb(file: string): Promise<Warehouse> {
    const memory = file === ':memory:';
    const version = memory ? undefined : await versionOf(file);
    if (!memory && version === undefined) {
      await this.letGo();
      throw new WarehouseNotReady(`the warehouse ${file} does not exist yet: run \`pulse run\` to fill it`);
    }
    if (this.held && !memory && (version !== this.heldVersion || (await announcedWriters(file)).length)) await this.letGo();
    if (!this.held) {
      // openWarehouse waits while a writer is announced (then WarehouseBusy).
      this.held = await openWarehouse(this.location!, { readOnly: true });
      this.heldVersion = memory ? undefined : await versionOf(file);
      this.opened++;
      if (!memory) this.watch(file);
    }
    return this.held;
  }

  /** Checks for an announced writer while the file is open, and lets go of it when idle. */
  private watch(file: string): void {
    if (this.poll) return;
    let checking = false;
    this.poll = setInterval(() => {
      if (checking || this.busy || !this.held) return;
      checking = true;
      void announcedWriters(file)
        .then(async (writers) => {
          if (writers.length && !this.busy && this.held) {
            // Through the queue, so that no request starts on the file while it closes.
            const closing = this.queue.then(() => (this.busy ? undefined : this.letGo()));
            this.queue = closing.catch(() => undefined);
            await closing;
          }
        })
        .catch(() => undefined)
        .finally(() => {
          checking = false;
        });
    }, WRITER_POLL_MS);
    this.poll.unref();
  }

  private async letGo(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    const w = this.held;
    this.held = undefined;
    this.heldVersion = undefined;
    await w?.close();
  }

  /** Waits for the requests under way and closes the warehouse (a fixed one belongs to its caller). */
  async close(): Promise<void> {
    await this.queue;
    await this.letGo();
  }
}
