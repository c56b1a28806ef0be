import { duckdbCreateTable, duckdbHasPrimaryKey, quoteIdent, ROLLUP_TABLES, WAREHOUSE_TABLES, type TableSchema } from '@social-pulse/schema';
import { VIEWS } from '../views.ts';

/** The CREATE TABLE of a table of the warehouse, from its declaration in libs/schema. */
export const duckdbTableDdl = (t: TableSchema): string => duckdbCreateTable(t, t.name, { primaryKey: duckdbHasPrimaryKey(t) });

/** The views, from their one definition beside the BigQuery text (../views.ts). */
export const VIEW_DDL = VIEWS.map((v) => `CREATE OR REPLACE VIEW ${quoteIdent(v.name)} AS\n${v.duckdb}`);

/** Every table libs/schema declares for the warehouse (WAREHOUSE_TABLES: TABLES and pulse_state), then the views over them. */
export const DUCKDB_DDL = [...WAREHOUSE_TABLES.map(duckdbTableDdl), ...VIEW_DDL];

/** The rollup tables (../rollups.ts), rebuilt whole when their definition changes. */
export const ROLLUP_DDL = ROLLUP_TABLES.map(duckdbTableDdl);
