import { access } from 'node:fs/promises';
import type { WarehouseLocation } from '@social-pulse/config';
import { openWarehouse, type Warehouse } from '@social-pulse/warehouse';

/** The warehouse is not there yet (no run has loaded it): the page says what to do. */
export class WarehouseNotReady extends Error {
  override readonly name = 'WarehouseNotReady';
}

/**
 * The dashboard's hold on the warehouse. A DuckDB file admits one writer *or* readers, and
 * the pipeline's writes (the load, each step's row of pipeline_runs) must never wait for the
 * dashboard: so each request opens the file read-only, runs its queries and closes it at
 * once, and no request opens it while a writer of the pipeline is announced (see
 * @social-pulse/warehouse's writers.ts). A writer thus waits for one request at most; a
 * request that finds the run writing waits for it a while, then gets a 503 (WarehouseBusy)
 * that the page shows. Queries are serialized (one connection at a time).
 */
export class WarehouseAccess {
  private queue: Promise<unknown> = Promise.resolve();
  /** BigQuery has no file to let go of: one client serves every request. */
  private held: Warehouse | undefined;

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

  use<T>(fn: (w: Warehouse) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.fixed) return fn(this.fixed);
      if (this.location!.kind !== 'duckdb') return fn((this.held ??= await openWarehouse(this.location!, { readOnly: true })));
      const w = await this.open();
      try {
        return await fn(w);
      } finally {
        await w.close();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async open(): Promise<Warehouse> {
    const loc = this.location!;
    if (loc.kind === 'duckdb' && loc.path !== ':memory:') {
      try {
        await access(loc.path);
      } catch {
        throw new WarehouseNotReady(`the warehouse ${loc.path} does not exist yet: run \`pulse run\` to fill it`);
      }
    }
    return openWarehouse(loc, { readOnly: true });
  }

  /** Waits for the requests under way (a fixed warehouse belongs to its caller). */
  async close(): Promise<void> {
    await this.queue;
    const w = this.held;
    this.held = undefined;
    await w?.close();
  }
}
