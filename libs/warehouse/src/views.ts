import { columnNames, postNlp, WAREHOUSE_TABLES } from '@social-pulse/schema';
import { ROLLUPS } from './rollups.ts';
import { BIGQUERY_DIALECT, DUCKDB_DIALECT, type Dialect } from './dialect.ts';

/**
 * The views of the warehouse, each written once per dialect, side by side, so that both
 * backends answer the same question with the same columns. In the BigQuery text,
 * `{dataset}` stands for the backtick-quoted `project.dataset`: a view's query is resolved
 * without a default dataset, so every table in it must be qualified.
 */
export interface ViewDef {
  name: string;
  duckdb: string;
  bigquery: string;
}

// created_at is the post's own (posts has it): a copy that lets label queries skip other periods.
const nlpCols = columnNames(postNlp).filter((c) => c !== 'post_id' && c !== 'created_at');

/** Every post with its NLP labels (null until enriched); `from` qualifies a table's name. */
const postsEnriched = (d: Dialect, from: (table: string) => string) => `SELECT p.*, ${nlpCols.map((c) => `n.${d.ident(c)}`).join(', ')}
FROM ${from('posts')} AS p LEFT JOIN ${from('post_nlp')} AS n ON n.post_id = p.post_id`;

export const VIEWS: readonly ViewDef[] = [
  {
    name: 'posts_enriched',
    duckdb: postsEnriched(DUCKDB_DIALECT, (t) => t),
    bigquery: postsEnriched(BIGQUERY_DIALECT, (t) => `{dataset}.${t}`),
  },
];

/** Every table and view a warehouse of this build has: what opening one checks is there before it skips the schema. */
export const SCHEMA_RELATIONS: readonly string[] = [...WAREHOUSE_TABLES.map((t) => t.name), ...ROLLUPS.map((r) => r.table.name), ...VIEWS.map((v) => v.name)];
