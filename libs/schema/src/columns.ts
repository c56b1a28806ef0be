import type { Field, ListType, ScalarType, TableSchema } from './types.ts';

/**
 * A column's type as a declaration writes it: a scalar (NOT NULL, REQUIRED), a scalar that may
 * be null (`'int64?'`: NULL, NULLABLE), a list of scalars (`'string[]'`) or of structs
 * ({@link structs}). A list is never null: BigQuery's REPEATED, empty when absent.
 */
export type ColumnType = ScalarType | `${ScalarType}?` | `${ScalarType}[]` | ListType;

/** The field `col(name, type, description)` declares, with its literal name and type (for `RowOf`). */
export type Column<N extends string, T extends ColumnType> = T extends `${infer S extends ScalarType}?`
  ? { readonly name: N; readonly type: S; readonly required: false; readonly description: string }
  : T extends `${infer S extends ScalarType}[]`
    ? { readonly name: N; readonly type: { readonly list: S }; readonly required: true; readonly description: string }
    : { readonly name: N; readonly type: T; readonly required: true; readonly description: string };

/** One column: `col('lang', 'string?', 'BCP-47 language code given by the source')`. */
export function col<const N extends string, const T extends ColumnType>(name: N, type: T, description: string): Column<N, T> {
  if (typeof type !== 'string') return { name, type, required: true, description } as Column<N, T>;
  if (type.endsWith('?')) return { name, type: type.slice(0, -1), required: false, description } as Column<N, T>;
  if (type.endsWith('[]')) return { name, type: { list: type.slice(0, -2) }, required: true, description } as Column<N, T>;
  return { name, type, required: true, description } as Column<N, T>;
}

/** A list of structs with these fields (BigQuery: a REPEATED RECORD): `col('topics', structs(col('label', …), …), …)`. */
export function structs<const F extends readonly Field[]>(...fields: F): { readonly list: { readonly struct: F } } {
  return { list: { struct: fields } };
}

/** Where a table's rows are kept apart and ordered: its key, and BigQuery's partitioning and clustering. */
export type TableLayout<F extends readonly Field[]> = {
  /** Columns that identify a row; the warehouse merges on them. */
  readonly primaryKey: readonly F[number]['name'][];
  /** Day partitioning column (BigQuery time partitioning). */
  readonly partitionBy?: F[number]['name'];
  /** Clustering columns (BigQuery), in order. */
  readonly clusterBy?: readonly F[number]['name'][];
};

/** A declared table: a {@link TableSchema} that keeps its name and its columns' types (for `RowOf`). */
export type Table<N extends string, F extends readonly Field[]> = Omit<TableSchema, 'name' | 'fields'> & { readonly name: N; readonly fields: F };

/** A table: its name, its description (BigQuery's), its {@link TableLayout}, its columns in order. */
export function table<const N extends string, const F extends readonly Field[]>(name: N, description: string, layout: TableLayout<F>, fields: F): Table<N, F> {
  return { name, description, ...layout, fields };
}
