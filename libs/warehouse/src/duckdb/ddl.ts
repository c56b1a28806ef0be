import { dqChecks, duckdbCreateTable, eventCounts, events, pipelineRuns, postMetrics, postNlp, posts, quoteIdent, stories, storyKeys, storyPosts } from '@social-pulse/schema';
import { ROLLUPS } from '../rollups.ts';
import { VIEWS } from '../views.ts';

/** Internal bookkeeping of the loader (watermarks); not part of the product schema. */
export const STATE_DDL = `CREATE TABLE IF NOT EXISTS pulse_state (
  "key" VARCHAR PRIMARY KEY,
  "value" VARCHAR NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
)`;

/** The views, from their one definition beside the BigQuery text (../views.ts). */
export const VIEW_DDL = VIEWS.map((v) => `CREATE OR REPLACE VIEW ${quoteIdent(v.name)} AS\n${v.duckdb}`);

export const DUCKDB_DDL = [duckdbCreateTable(posts), duckdbCreateTable(postNlp), duckdbCreateTable(pipelineRuns), duckdbCreateTable(dqChecks), duckdbCreateTable(postMetrics), STATE_DDL, ...VIEW_DDL,
  duckdbCreateTable(stories), duckdbCreateTable(storyPosts), duckdbCreateTable(storyKeys),
  duckdbCreateTable(eventCounts), duckdbCreateTable(events)];

/**
 * The rollup tables (../rollups.ts), without a primary key: the load replaces a day's rows
 * whole, and an index over millions of rollup rows would cost memory and slow every load.
 */
export const ROLLUP_DDL = ROLLUPS.map((r) => duckdbCreateTable(r.table).replace(/,\n\s*PRIMARY KEY \([^)]*\)/, ''));
DUCKDB_DDL.push(...ROLLUP_DDL);
