/**
 * A tiny column-type algebra. Every table of social-pulse is declared once with these
 * types; the TypeScript row types, the DuckDB DDL, the Parquet layout and the BigQuery
 * schema are all derived from that one declaration, so they cannot drift apart.
 */
export type ScalarType = 'string' | 'int64' | 'float64' | 'bool' | 'timestamp';

export interface StructType {
  readonly struct: readonly Field[];
}
export interface ListType {
  readonly list: ScalarType | StructType;
}
export type FieldType = ScalarType | ListType;

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  /** Required fields are NOT NULL in the warehouse and REQUIRED in BigQuery. */
  readonly required: boolean;
  readonly description: string;
}

export interface TableSchema {
  readonly name: string;
  readonly description: string;
  readonly fields: readonly Field[];
  /** Columns that identify a row; the warehouse merges on them. */
  readonly primaryKey: readonly string[];
  /** Day partitioning column (BigQuery time partitioning). */
  readonly partitionBy?: string;
  /** Clustering columns (BigQuery), in order. */
  readonly clusterBy?: readonly string[];
}

// ---- TypeScript row types, derived from the declarations ------------------------------

/** Timestamps travel as ISO-8601 strings in UTC (`2026-11-23T10:00:00.000Z`). */
export type IsoTimestamp = string;

type ScalarTs<T extends ScalarType> = T extends 'string'
  ? string
  : T extends 'int64' | 'float64'
    ? number
    : T extends 'bool'
      ? boolean
      : IsoTimestamp;

type ElementTs<T> = T extends ScalarType
  ? ScalarTs<T>
  : T extends { readonly struct: infer F extends readonly Field[] }
    ? RowOfFields<F>
    : never;

type FieldTs<T extends FieldType> = T extends ScalarType
  ? ScalarTs<T>
  : T extends { readonly list: infer E }
    ? ElementTs<E>[]
    : never;

export type RowOfFields<F extends readonly Field[]> = {
  -readonly [K in F[number] as K['name']]: K['required'] extends true
    ? FieldTs<K['type']>
    : FieldTs<K['type']> | null;
};

/** The row type of a table declaration: `RowOf<typeof posts>`. */
export type RowOf<T extends { fields: readonly Field[] }> = RowOfFields<T['fields']>;
