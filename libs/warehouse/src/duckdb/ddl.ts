import { dqChecks, duckdbCreateTable, eventCounts, events, pipelineRuns, postNlp, posts, quoteIdent } from '@social-pulse/schema';
import { VIEWS } from '../views.ts';

/** Internal bookkeeping of the loader (watermarks); not part of the product schema. */
export const STATE_DDL = `CREATE TABLE IF NOT EXISTS pulse_state (
  "key" VARCHAR PRIMARY KEY,
  "value" VARCHAR NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
)`;

/** The views, from their one definition beside the BigQuery text (../views.ts). */
export const VIEW_DDL = VIEWS.map((v) => `CREATE OR REPLACE VIEW ${quoteIdent(v.name)} AS\n${v.duckdb}`);

export const DUCKDB_DDL = [duckdbCreateTable(posts), duckdbCreateTable(postNlp), duckdbCreateTable(pipelineRuns), duckdbCreateTable(dqChecks), STATE_DDL, duckdbCreateTable(eventCounts), duckdbCreateTable(events), ...VIEW_DDL];
