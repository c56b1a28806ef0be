import type { DialectSql } from '@social-pulse/warehouse';
import { B_BUCKET, B_FROM, B_MATCH, B_PERIOD, CUR, D_BUCKET, D_FROM, D_MATCH, D_PERIOD, rollupRows } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { series } from '../series.ts';

/** Posts per bucket and sentiment (posts not labelled yet counted apart). */
export const SENTIMENT: DialectSql = {
  duckdb: `
SELECT ${D_BUCKET} AS bucket, COALESCE(p.sentiment, 'not labelled') AS name, count(*) AS n
${D_FROM}
WHERE ${D_PERIOD} AND ${D_MATCH}
GROUP BY 1, 2 ORDER BY 1, 2`,
  bigquery: `
SELECT ${B_BUCKET} AS bucket, IFNULL(p.sentiment, 'not labelled') AS name, COUNT(*) AS n
${B_FROM}
WHERE ${B_PERIOD} AND ${B_MATCH}
GROUP BY 1, 2 ORDER BY 1, 2`,
};

/** SENTIMENT from the rollups (see sql.ts, Rollups): the same rows. */
export const SENTIMENT_FROM_ROLLUPS: DialectSql = {
  duckdb: `
SELECT CAST(epoch(day) AS BIGINT) AS bucket, CASE WHEN sentiment = '' THEN 'not labelled' ELSE sentiment END AS name, sum(posts) AS n
FROM (${rollupRows('rollup_daily', 'duckdb', CUR, true, true)}) AS r
GROUP BY 1, 2 ORDER BY 1, 2`,
  bigquery: `
SELECT UNIX_SECONDS(day) AS bucket, IF(sentiment = '', 'not labelled', sentiment) AS name, SUM(posts) AS n
FROM (${rollupRows('rollup_daily', 'bigquery', CUR, true, true)}) AS r
GROUP BY 1, 2 ORDER BY 1, 2`,
};

export const sentiment = definePanel({
  name: 'sentiment',
  sql: {
    raw: SENTIMENT,
    rollups: SENTIMENT_FROM_ROLLUPS,
  },
  map: (rows, c) => series(rows, c.win, ['negative', 'neutral', 'positive', 'not labelled']),
});
