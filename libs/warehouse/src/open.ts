import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { WarehouseLocation } from '@social-pulse/config';
import { DuckDBWarehouse } from './duckdb/warehouse.ts';
import type { Warehouse } from './types.ts';

/** The warehouse a configuration names, with its schema in place unless read-only. */
export async function openWarehouse(location: WarehouseLocation, opts: { readOnly?: boolean } = {}): Promise<Warehouse> {
  if (location.kind === 'duckdb') {
    if (location.path !== ':memory:') await mkdir(path.dirname(location.path), { recursive: true });
    const w = await DuckDBWarehouse.open(location.path, opts);
    if (!opts.readOnly) await w.ensureSchema();
    return w;
  }
  throw new Error(`bigquery://${location.project}/${location.dataset}: the BigQuery warehouse is not available in this build yet`);
}
