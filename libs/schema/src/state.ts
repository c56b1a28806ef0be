import { ROLLUP_TABLES } from './rollups.ts';
import { TABLES } from './tables.ts';
import type { TableSchema } from './types.ts';

/** Internal bookkeeping of the loader (watermarks, the rollups' version); not part of the product schema. */
export const pulseState = {
  name: 'pulse_state',
  description: 'social-pulse loader watermarks',
  primaryKey: ['key'],
  fields: [
    { name: 'key', type: 'string', required: true, description: 'watermark name' },
    { name: 'value', type: 'string', required: true, description: 'watermark value' },
    { name: 'updated_at', type: 'timestamp', required: true, description: 'when it was set (UTC)' },
  ],
} as const satisfies TableSchema;

/**
 * Every table a warehouse holds: the product's TABLES (which Pulumi also declares) and the
 * loader's pulse_state. Both warehouses create each on open and add the columns an older
 * warehouse lacks, so this list and the declarations are the only place a table is named.
 */
export const WAREHOUSE_TABLES: readonly TableSchema[] = [...TABLES, pulseState];

/**
 * Whether the DuckDB warehouse gives the table a PRIMARY KEY. The rollups have none: the load
 * replaces a day's rows whole, and an index over millions of rollup rows would cost memory
 * and slow every load.
 */
export const duckdbHasPrimaryKey = (table: TableSchema): boolean => !(ROLLUP_TABLES as readonly TableSchema[]).includes(table);
