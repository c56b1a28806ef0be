import { access } from 'node:fs/promises';
import type { WarehouseLocation } from '@social-pulse/config';
import { openWarehouse, type Warehouse } from '@social-pulse/warehouse';

/** The warehouse is not there yet (no run has loaded it): the page says what to do. */
export class WarehouseNotReady extends Error {
  override readonly name = 'WarehouseNotReady';
}

/**
 * The dashboard's hold on the warehouse. A DuckDB file admits one writer *or* readers, so
 * the dashboard opens it read-only for a burst of queries and lets go once idle: the loader
 * of a scheduled run can then take it. Queries are serialized (one connection).
 */
export class WarehouseAccess {
  private warehouse: Warehouse | undefined;
  private opening: Promise<Warehouse> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly location: WarehouseLocation | undefined,
    fixed: Warehouse | undefined,
    private readonly idleMs: number,
  ) {
    this.warehouse = fixed;
  }

  static of(location: WarehouseLocation, opts: { idleMs?: number } = {}): WarehouseAccess {
    return new WarehouseAccess(location, undefined, opts.idleMs ?? 1500);
  }

  /** An already-open warehouse that stays open (tests, BigQuery). */
  static fixed(w: Warehouse): WarehouseAccess {
    return new WarehouseAccess(undefined, w, 0);
  }

  use<T>(fn: (w: Warehouse) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      clearTimeout(this.idleTimer);
      const w = await this.open();
      try {
        return await fn(w);
      } finally {
        this.scheduleClose();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async open(): Promise<Warehouse> {
    if (this.warehouse) return this.warehouse;
    const loc = this.location!;
    if (loc.kind === 'duckdb' && loc.path !== ':memory:') {
      try {
        await access(loc.path);
      } catch {
        throw new WarehouseNotReady(`the warehouse ${loc.path} does not exist yet: run \`pulse run\` to fill it`);
      }
    }
    this.opening ??= openWarehouse(loc, { readOnly: true });
    try {
      this.warehouse = await this.opening;
    } finally {
      this.opening = undefined;
    }
    return this.warehouse;
  }

  private scheduleClose(): void {
    if (!this.location || this.location.kind !== 'duckdb') return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.queue = this.queue.then(() => this.release());
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private async release(): Promise<void> {
    const w = this.warehouse;
    this.warehouse = undefined;
    if (w && this.location) await w.close();
  }

  /** Lets go of a warehouse this object opened (a fixed one belongs to its caller). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.queue;
    if (this.location) await this.release();
  }
}
