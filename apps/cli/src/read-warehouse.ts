import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '@social-pulse/config';
import { configSecrets } from '@social-pulse/pipeline';
import { PulseError, registerSecrets } from '@social-pulse/runtime';
import { openWarehouse, WarehouseBusy, type Warehouse } from '@social-pulse/warehouse';

/**
 * The configuration and the warehouse of a command that reads what runs wrote (`pulse status`,
 * `pulse events`). The lake is only read, so a lake it may not write to is no reason to refuse.
 * What runs recorded quotes what servers said, and rows written before masking was complete may
 * hold a credential of this environment: every one this configuration may use is masked.
 */
export async function openWarehouseToRead(configFile: string): Promise<{ config: Config; w: Warehouse }> {
  const config = await loadConfig(configFile, { lakeAccess: 'read' });
  registerSecrets(configSecrets(config));
  const where = config.warehouseLocation;
  // Opening a DuckDB file creates it: an empty warehouse would hide a wrong path.
  if (where.kind === 'duckdb' && where.path !== ':memory:' && !existsSync(where.path)) {
    throw new PulseError(`the warehouse ${where.path} does not exist yet: \`pulse run\` (or \`pulse load\`) creates it; check warehouse: in ${config.file} if it should be there`);
  }
  // Read-only: a command that reads must neither wait for a run's load nor keep one waiting (a
  // DuckDB file admits one writer or readers). A writer at work is waited for a while, then named.
  const w = await openWarehouse(where, { readOnly: true }).catch((e: unknown) => {
    throw e instanceof WarehouseBusy ? new PulseError(`busy: ${e.message}`, 1, { cause: e }) : e;
  });
  return { config, w };
}
