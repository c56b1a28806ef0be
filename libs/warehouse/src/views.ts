import { columnNames, postNlp, quoteIdent } from '@social-pulse/schema';

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
const bq = (name: string) => `\`${name.replaceAll('`', '')}\``;

export const VIEWS: readonly ViewDef[] = [
  {
    // Every post with its NLP labels (null until enriched).
    name: 'posts_enriched',
    duckdb: `SELECT p.*, ${nlpCols.map((c) => `n.${quoteIdent(c)}`).join(', ')}
FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id`,
    bigquery: `SELECT p.*, ${nlpCols.map((c) => `n.${bq(c)}`).join(', ')}
FROM {dataset}.posts AS p LEFT JOIN {dataset}.post_nlp AS n ON n.post_id = p.post_id`,
  },
];
