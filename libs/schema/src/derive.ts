import type { Field, FieldType, ScalarType, TableSchema } from './types.ts';

const DUCKDB_SCALAR: Record<ScalarType, string> = {
  string: 'VARCHAR',
  int64: 'BIGINT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/** Quote an identifier for DuckDB (double quotes, doubled inside). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The DuckDB type of a field, e.g. `STRUCT("label" VARCHAR, "score" DOUBLE)[]`. */
export function duckdbType(type: FieldType): string {
  if (typeof type === 'string') return DUCKDB_SCALAR[type];
  const el = type.list;
  if (typeof el === 'string') return `${DUCKDB_SCALAR[el]}[]`;
  return `STRUCT(${el.struct.map((f) => `${quoteIdent(f.name)} ${duckdbType(f.type)}`).join(', ')})[]`;
}

/**
 * `CREATE TABLE IF NOT EXISTS` for DuckDB, with NOT NULL on required fields and, unless
 * `primaryKey` is false, the primary key.
 */
export function duckdbCreateTable(table: TableSchema, name: string = table.name, opts: { primaryKey?: boolean } = {}): string {
  const cols = table.fields.map(
    (f) => `  ${quoteIdent(f.name)} ${duckdbType(f.type)}${f.required ? ' NOT NULL' : ''}`,
  );
  if (opts.primaryKey !== false) cols.push(`  PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(name)} (\n${cols.join(',\n')}\n)`;
}

/**
 * `ALTER TABLE … ADD COLUMN` for a column the declaration gained after the table was created.
 * DuckDB adds no column with a constraint, so the column is nullable; a list gets the empty
 * list in the existing rows (an absent list is empty, as in BigQuery), a scalar gets null.
 */
export function duckdbAddColumn(table: TableSchema, field: Field): string {
  const empty = typeof field.type === 'string' ? '' : ' DEFAULT []';
  return `ALTER TABLE ${quoteIdent(table.name)} ADD COLUMN IF NOT EXISTS ${quoteIdent(field.name)} ${duckdbType(field.type)}${empty}`;
}

/**
 * The column list of `read_json(..., columns = {...})` / a typed projection: a DuckDB struct
 * literal mapping column name to type, used to read staged NDJSON with exactly the schema's types.
 */
export function duckdbColumnsLiteral(table: TableSchema): string {
  return `{${table.fields.map((f) => `${sqlString(f.name)}: ${sqlString(duckdbType(f.type))}`).join(', ')}}`;
}

/** An SQL string literal. Use bound parameters for values; this is for DDL and options only. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface BigQueryField {
  name: string;
  type: 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'RECORD';
  mode: 'REQUIRED' | 'NULLABLE' | 'REPEATED';
  description: string;
  fields?: BigQueryField[];
}

const BQ_SCALAR: Record<ScalarType, BigQueryField['type']> = {
  string: 'STRING',
  int64: 'INT64',
  float64: 'FLOAT64',
  bool: 'BOOL',
  timestamp: 'TIMESTAMP',
};

function bigQueryField(f: Field): BigQueryField {
  if (typeof f.type === 'string') {
    return { name: f.name, type: BQ_SCALAR[f.type], mode: f.required ? 'REQUIRED' : 'NULLABLE', description: f.description };
  }
  const el = f.type.list;
  // BigQuery has no nullable arrays: a list is REPEATED and an absent list is empty.
  if (typeof el === 'string') return { name: f.name, type: BQ_SCALAR[el], mode: 'REPEATED', description: f.description };
  return { name: f.name, type: 'RECORD', mode: 'REPEATED', description: f.description, fields: el.struct.map(bigQueryField) };
}

/** The BigQuery table schema (the `schema.fields` of the REST API and of Pulumi's `gcp.bigquery.Table`). */
export function bigQuerySchema(table: TableSchema): BigQueryField[] {
  return table.fields.map(bigQueryField);
}

/** Column names in declaration order. */
export function columnNames(table: TableSchema): string[] {
  return table.fields.map((f) => f.name);
}
