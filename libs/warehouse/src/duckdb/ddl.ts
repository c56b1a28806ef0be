import { columnNames, dqChecks, duckdbCreateTable, pipelineRuns, postNlp, posts, quoteIdent } from '@social-pulse/schema';

/** Internal bookkeeping of the loader (watermarks); not part of the product schema. */
export const STATE_DDL = `CREATE TABLE IF NOT EXISTS pulse_state (
  "key" VARCHAR PRIMARY KEY,
  "value" VARCHAR NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
)`;

const nlpCols = columnNames(postNlp).filter((c) => c !== 'post_id');

/** `posts_enriched`: every post with its NLP labels (null until enriched). */
export const POSTS_ENRICHED_VIEW = `CREATE OR REPLACE VIEW posts_enriched AS
SELECT p.*, ${nlpCols.map((c) => `n.${quoteIdent(c)}`).join(', ')}
FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id`;

export const DUCKDB_DDL = [duckdbCreateTable(posts), duckdbCreateTable(postNlp), duckdbCreateTable(pipelineRuns), duckdbCreateTable(dqChecks), STATE_DDL, POSTS_ENRICHED_VIEW];
