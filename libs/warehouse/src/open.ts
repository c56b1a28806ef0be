import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { WarehouseLocation } from '@social-pulse/config';
import { emulatorClientOptions } from './bigquery/client.ts';
import { BigQueryWarehouse } from './bigquery/warehouse.ts';
import { createDuckDBWarehouseFile } from './duckdb/create.ts';
import { DuckDBWarehouse } from './duckdb/warehouse.ts';
import type { Warehouse } from './types.ts';

export interface OpenOptions {
  readOnly?: boolean;
  memoryLimit?: string;
  waitMs?: number;
  /**
   * For a few small writes (a step's run-history rows): DuckDB leaves them in its write-ahead
   * log for the next writer's checkpoint (readers replay it) instead of checkpointing the file
   * when this connection closes, which costs far more than the rows. BigQuery ignores it.
   */
  deferCheckpoint?: boolean;
}

/** The warehouse a configuration names, with its schema in place unless read-only. */
export async function openWarehouse(location: WarehouseLocation, opts: OpenOptions = {}): Promise<Warehouse> {
  if (location.kind === 'duckdb') {
    if (location.path !== ':memory:') {
      await mkdir(path.dirname(location.path), { recursive: true });
      // A new warehouse appears whole, schema included, or not at all (a kill cannot leave it empty).
      if (!opts.readOnly) await createDuckDBWarehouseFile(location.path);
    }
    const w = await DuckDBWarehouse.open(location.path, opts);
    if (!opts.readOnly) await w.ensureSchema();
    return w;
  }
  // Application default credentials, unless BIGQUERY_EMULATOR_HOST names a stand-in.
  const emulator = process.env.BIGQUERY_EMULATOR_HOST;
  const w = new BigQueryWarehouse({
    project: location.project,
    dataset: location.dataset,
    ...(location.location ? { location: location.location } : {}),
    ...(emulator ? { client: emulatorClientOptions(emulator) } : {}),
  });
  if (!opts.readOnly) await w.ensureSchema();
  return w;
}
