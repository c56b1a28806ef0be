import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, CUR, D_FROM, D_MATCH, D_PERIOD, postsOnly, rollupRows } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { num, str } from '../values.ts';

export interface HashtagRow {
  tag: string;
  posts: number;
  authors: number;
}

/** Hashtags by the number of posts (and distinct authors) using them; a tag repeated in one post counts once. */
export const HASHTAGS: DialectSql = {
  duckdb: `
WITH t AS (
  SELECT p.source, p.author_id, unnest(list_distinct(p.hashtags)) AS tag
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH})
SELECT tag, count(*) AS posts, count(DISTINCT source || ':' || author_id) AS authors
FROM t GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT $limit`,
  bigquery: `
WITH t AS (
  SELECT p.source, p.author_id, tag
  ${B_FROM}, UNNEST(ARRAY(SELECT DISTINCT h FROM UNNEST(p.hashtags) AS h)) AS tag
  WHERE ${B_PERIOD} AND ${B_MATCH})
SELECT tag, COUNT(*) AS posts, COUNT(DISTINCT CONCAT(source, ':', author_id)) AS authors
FROM t GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT @limit`,
};

/** HASHTAGS from the rollups (see sql.ts, Rollups): the same rows. */
export const HASHTAGS_FROM_ROLLUPS: DialectSql = {
  duckdb: `
SELECT tag, sum(posts) AS posts, count(*) AS authors
FROM (SELECT tag, source, author_id, sum(posts) AS posts FROM (${rollupRows('rollup_hashtags_daily', 'duckdb', CUR)}) AS r GROUP BY 1, 2, 3) AS a
GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT $limit`,
  bigquery: `
SELECT tag, SUM(posts) AS posts, COUNT(*) AS authors
FROM (SELECT tag, source, author_id, SUM(posts) AS posts FROM (${rollupRows('rollup_hashtags_daily', 'bigquery', CUR)}) AS r GROUP BY 1, 2, 3) AS a
GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT @limit`,
};

export const hashtags = definePanel({
  name: 'hashtags',
  limit: 20,
  sql: { raw: HASHTAGS, postsOnly: postsOnly(HASHTAGS), rollups: HASHTAGS_FROM_ROLLUPS },
  map: (rows): HashtagRow[] => rows.map((r) => ({ tag: str(r.tag), posts: num(r.posts), authors: num(r.authors) })),
});
