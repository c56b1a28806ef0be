import type { DialectSql } from '@social-pulse/warehouse';
import { B_BUCKET, B_FROM, B_MATCH, B_PERIOD, CUR, D_BUCKET, D_FROM, D_MATCH, D_PERIOD, rollupRows } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { series } from '../series.ts';

/** Posts per bucket for the $limit most frequent topics of the period. */
export const TOPICS: DialectSql = {
  duckdb: `
WITH t AS (
  SELECT ${D_BUCKET} AS bucket, unnest([x.label FOR x IN p.topics]) AS name
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH}),
top AS (SELECT name FROM t GROUP BY name ORDER BY count(*) DESC, name LIMIT $limit)
SELECT t.bucket, t.name, count(*) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
  bigquery: `
WITH t AS (
  SELECT ${B_BUCKET} AS bucket, x.label AS name
  ${B_FROM}, UNNEST(p.topics) AS x
  WHERE ${B_PERIOD} AND ${B_MATCH}),
top AS (SELECT name FROM t GROUP BY name ORDER BY COUNT(*) DESC, name LIMIT @limit)
SELECT t.bucket, t.name, COUNT(*) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
};

/** TOPICS from the rollups (see sql.ts, Rollups): the same rows. */
export const TOPICS_FROM_ROLLUPS: DialectSql = {
  duckdb: `
WITH t AS (SELECT CAST(epoch(day) AS BIGINT) AS bucket, topic AS name, posts FROM (${rollupRows('rollup_topics_daily', 'duckdb', CUR, true, true)}) AS r),
top AS (SELECT name FROM t GROUP BY name ORDER BY sum(posts) DESC, name LIMIT $limit)
SELECT t.bucket, t.name, sum(t.posts) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
  bigquery: `
WITH t AS (SELECT UNIX_SECONDS(day) AS bucket, topic AS name, posts FROM (${rollupRows('rollup_topics_daily', 'bigquery', CUR, true, true)}) AS r),
top AS (SELECT name FROM t GROUP BY name ORDER BY SUM(posts) DESC, name LIMIT @limit)
SELECT t.bucket, t.name, SUM(t.posts) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
};

export const topics = definePanel({
  name: 'topics',
  limit: 8,
  sql: {
    raw: TOPICS,
    rollups: TOPICS_FROM_ROLLUPS,
  },
  map(rows, c) {
    const s = series(rows, c.win);
    // Biggest topic first, in the legend and the table.
    const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
    s.series.sort((a, b) => total(b.values) - total(a.values) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return s;
  },
});
