import { createHash } from 'node:crypto';
import { duckdbCreateTable, duckdbHasPrimaryKey, quoteIdent, DUCKDB_GAIN_TABLES, ROLLUP_TABLES, WAREHOUSE_TABLES, type TableSchema } from '@social-pulse/schema';
import { VIEWS } from '../views.ts';

/** The CREATE TABLE of a table of the warehouse, from its declaration in libs/schema. */
export const duckdbTableDdl = (t: TableSchema): string => duckdbCreateTable(t, t.name, { primaryKey: duckdbHasPrimaryKey(t) });

/** The views, from their one definition beside the BigQuery text (../views.ts). */
export const VIEW_DDL = VIEWS.map((v) => `CREATE OR REPLACE VIEW ${quoteIdent(v.name)} AS\n${v.duckdb}`);

/** Every table libs/schema declares for the warehouse (WAREHOUSE_TABLES: TABLES and pulse_state), then the views over them. */
export const DUCKDB_DDL = [...WAREHOUSE_TABLES.map(duckdbTableDdl), ...VIEW_DDL];

/** The rollup tables (../rollups.ts) and DuckDB's gain tables, rebuilt whole when their definition changes. */
export const ROLLUP_DDL = [...ROLLUP_TABLES, ...DUCKDB_GAIN_TABLES].map(duckdbTableDdl);

/**
 * What the schema of this build is, as one value: a hash of every statement above and the
 * rollups' version. A warehouse that records it (pulse_state) and has every table needs none
 * of them run again, so opening it for writing writes nothing (no WAL, no checkpoint at close).
 */
export const schemaFingerprint = (rollupsVersion: string): string =>
  createHash('sha256').update([...DUCKDB_DDL, ...ROLLUP_DDL, rollupsVersion].join('\n;\n')).digest('hex').slice(0, 16);
