import { DUCKDB_GAIN_TABLES, ROLLUP_TABLES } from './rollups.ts';
import { pulseState, TABLES } from './tables.ts';
import type { TableSchema } from './types.ts';

/**
 * Every table a warehouse holds: the product's TABLES (which Pulumi also declares) and the
 * loader's pulse_state. Both warehouses create each on open and add the columns an older
 * warehouse lacks, so this list and the declarations are the only place a table is named.
 */
export const WAREHOUSE_TABLES: readonly TableSchema[] = [...TABLES, pulseState];

/**
 * Whether the DuckDB warehouse gives the table a PRIMARY KEY. The rollups have none: the load
 * replaces a day's rows whole (rollup_post_gains: a post's row), and an index over millions of
 * rollup rows would cost memory and slow every load.
 */
export const duckdbHasPrimaryKey = (table: TableSchema): boolean => ![...ROLLUP_TABLES, ...DUCKDB_GAIN_TABLES].includes(table);
