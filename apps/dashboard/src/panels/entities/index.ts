import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM_TWO, B_MATCH, B_TWO_PERIODS, both, D_FROM_TWO, D_MATCH, D_TWO_PERIODS } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { num, str } from '../values.ts';

export interface EntityRow {
  type: 'product' | 'corporation';
  text: string;
  posts: number;
  previous: number;
}

/** Products and corporations by posts mentioning them, this period and the previous one. */
export const ENTITIES: DialectSql = {
  duckdb: `
WITH x AS (
  SELECT p.post_id, p.created_at >= CAST($start AS TIMESTAMPTZ) AS is_current, unnest(p.entities) AS en
  ${D_FROM_TWO}
  WHERE ${D_TWO_PERIODS} AND ${D_MATCH}),
y AS (SELECT post_id, is_current, en.type AS type, en.text AS text FROM x WHERE en.type IN ('product', 'corporation')),
s AS (SELECT type, lower(text) AS entity, text, count(*) AS m FROM y GROUP BY 1, 2, 3),
b AS (SELECT type, entity, first(text ORDER BY m DESC, text) AS text FROM s GROUP BY 1, 2)
SELECT y.type, b.text,
       count(DISTINCT y.post_id) FILTER (WHERE y.is_current) AS posts,
       count(DISTINCT y.post_id) FILTER (WHERE NOT y.is_current) AS previous
FROM y JOIN b ON b.type = y.type AND b.entity = lower(y.text)
GROUP BY y.type, b.entity, b.text
HAVING count(DISTINCT y.post_id) FILTER (WHERE y.is_current) > 0
ORDER BY posts DESC, previous, text, type LIMIT $limit`,
  bigquery: `
WITH y AS (
  SELECT p.post_id, p.created_at >= TIMESTAMP(@start) AS is_current, x.type AS type, x.text AS text
  ${B_FROM_TWO}, UNNEST(p.entities) AS x
  WHERE ${B_TWO_PERIODS} AND ${B_MATCH} AND x.type IN ('product', 'corporation')),
s AS (SELECT type, LOWER(text) AS entity, text, COUNT(*) AS m FROM y GROUP BY 1, 2, 3),
b AS (SELECT type, entity, ARRAY_AGG(text ORDER BY m DESC, text LIMIT 1)[OFFSET(0)] AS text FROM s GROUP BY 1, 2)
SELECT y.type, b.text,
       COUNT(DISTINCT IF(y.is_current, y.post_id, NULL)) AS posts,
       COUNT(DISTINCT IF(y.is_current, NULL, y.post_id)) AS previous
FROM y JOIN b ON b.type = y.type AND b.entity = LOWER(y.text)
GROUP BY y.type, b.entity, b.text
HAVING COUNT(DISTINCT IF(y.is_current, y.post_id, NULL)) > 0
ORDER BY posts DESC, previous, text, type LIMIT @limit`,
};

/** ENTITIES from the rollups (see sql.ts, Rollups): the same rows. */
export const ENTITIES_FROM_ROLLUPS: DialectSql = {
  duckdb: `
WITH g AS (
  SELECT type, entity, text, sum(mentions) AS m,
         COALESCE(sum(posts) FILTER (WHERE is_current), 0) AS cur, COALESCE(sum(posts) FILTER (WHERE NOT is_current), 0) AS prev
  FROM (${both('rollup_entities_daily', 'duckdb')}) AS e
  WHERE type IN ('product', 'corporation') GROUP BY 1, 2, 3)
SELECT type, first(text ORDER BY m DESC, text) AS text, sum(cur) AS posts, sum(prev) AS previous
FROM g GROUP BY type, entity
HAVING sum(cur) > 0
ORDER BY posts DESC, previous, text, type LIMIT $limit`,
  bigquery: `
WITH g AS (
  SELECT type, entity, text, SUM(mentions) AS m,
         SUM(IF(is_current, posts, 0)) AS cur, SUM(IF(is_current, 0, posts)) AS prev
  FROM (${both('rollup_entities_daily', 'bigquery')}) AS e
  WHERE type IN ('product', 'corporation') GROUP BY 1, 2, 3)
SELECT type, ARRAY_AGG(text ORDER BY m DESC, text LIMIT 1)[OFFSET(0)] AS text, SUM(cur) AS posts, SUM(prev) AS previous
FROM g GROUP BY type, entity
HAVING SUM(cur) > 0
ORDER BY posts DESC, previous, text, type LIMIT @limit`,
};

export const entities = definePanel({
  name: 'entities',
  limit: 20,
  sql: { raw: ENTITIES, rollups: ENTITIES_FROM_ROLLUPS },
  map: (rows): EntityRow[] =>
    rows.map((r) => ({ type: str(r.type) as EntityRow['type'], text: str(r.text), posts: num(r.posts), previous: num(r.previous) })),
});
