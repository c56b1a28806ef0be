export type { Warehouse, LoadResult, LoadPartitions, DialectSql, Params } from './types.ts';
export { DuckDBWarehouse, WarehouseBusy } from './duckdb/warehouse.ts';
export { DUCKDB_DDL } from './duckdb/ddl.ts';
export { BigQueryWarehouse, type BigQueryWarehouseOptions } from './bigquery/warehouse.ts';
export { checkBigQuery, type CloudCheck } from './bigquery/check.ts';
export { VIEWS, type ViewDef } from './views.ts';
export { openWarehouse } from './open.ts';
export { runQualityChecks, describeFailedChecks, usualRange, QUALITY_SQL } from './quality.ts';
export type { QualityOptions } from './quality.ts';
