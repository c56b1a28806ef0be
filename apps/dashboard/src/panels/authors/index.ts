import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, CUR, D_FROM, D_MATCH, D_PERIOD, ENG, postsOnly, rollupRows } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { num, str } from '../values.ts';

export interface AuthorRow {
  source: string;
  handle: string;
  name: string;
  posts: number;
  engagement: number;
  normalized: number;
}

/** Authors with the most posts in the view, then the most (normalized) engagement. */
export const AUTHORS: DialectSql = {
  duckdb: `
WITH f AS (
  SELECT p.source, p.author_id, p.author_handle, p.author_name, p.created_at, ${ENG} AS eng
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH}),
m AS (SELECT source, CAST(sum(eng) AS DOUBLE) / count(*) AS mean_eng FROM f GROUP BY source)
SELECT f.source, arg_max(f.author_handle, f.created_at) AS handle, arg_max(f.author_name, f.created_at) AS name,
       count(*) AS posts, sum(f.eng) AS engagement, COALESCE(sum(f.eng) / NULLIF(m.mean_eng, 0), 0) AS normalized
FROM f JOIN m USING (source)
GROUP BY f.source, f.author_id, m.mean_eng
ORDER BY posts DESC, normalized DESC, handle LIMIT $limit`,
  bigquery: `
WITH f AS (
  SELECT p.source, p.author_id, p.author_handle, p.author_name, p.created_at, ${ENG} AS eng
  ${B_FROM}
  WHERE ${B_PERIOD} AND ${B_MATCH}),
m AS (SELECT source, SUM(eng) / COUNT(*) AS mean_eng FROM f GROUP BY source)
SELECT f.source, ARRAY_AGG(f.author_handle ORDER BY f.created_at DESC LIMIT 1)[OFFSET(0)] AS handle,
       ARRAY_AGG(f.author_name ORDER BY f.created_at DESC LIMIT 1)[OFFSET(0)] AS name,
       COUNT(*) AS posts, SUM(f.eng) AS engagement, IFNULL(SAFE_DIVIDE(SUM(f.eng), m.mean_eng), 0) AS normalized
FROM f JOIN m USING (source)
GROUP BY f.source, f.author_id, m.mean_eng
ORDER BY posts DESC, normalized DESC, handle LIMIT @limit`,
};

/** AUTHORS from the rollups (see sql.ts, Rollups): the same rows. */
export const AUTHORS_FROM_ROLLUPS: DialectSql = {
  duckdb: `
WITH f AS (${rollupRows('rollup_authors_daily', 'duckdb', CUR)}),
m AS (SELECT source, CAST(sum(engagement) AS DOUBLE) / sum(posts) AS mean_eng FROM f GROUP BY source),
a AS (SELECT source, author_id, arg_max(author_handle, last_at) AS handle, arg_max(author_name, last_at) AS name,
             sum(posts) AS posts, sum(engagement) AS engagement
      FROM f GROUP BY source, author_id)
SELECT a.source, a.handle, a.name, a.posts, a.engagement, COALESCE(a.engagement / NULLIF(m.mean_eng, 0), 0) AS normalized
FROM a JOIN m USING (source)
ORDER BY posts DESC, normalized DESC, handle LIMIT $limit`,
  bigquery: `
WITH f AS (${rollupRows('rollup_authors_daily', 'bigquery', CUR)}),
m AS (SELECT source, SUM(engagement) / SUM(posts) AS mean_eng FROM f GROUP BY source),
a AS (SELECT source, author_id, ARRAY_AGG(author_handle ORDER BY last_at DESC LIMIT 1)[OFFSET(0)] AS handle,
             ARRAY_AGG(author_name ORDER BY last_at DESC LIMIT 1)[OFFSET(0)] AS name,
             SUM(posts) AS posts, SUM(engagement) AS engagement
      FROM f GROUP BY source, author_id)
SELECT a.source, a.handle, a.name, a.posts, a.engagement, IFNULL(SAFE_DIVIDE(a.engagement, m.mean_eng), 0) AS normalized
FROM a JOIN m USING (source)
ORDER BY posts DESC, normalized DESC, handle LIMIT @limit`,
};

export const authors = definePanel({
  name: 'authors',
  limit: 15,
  sql: { raw: AUTHORS, postsOnly: postsOnly(AUTHORS), rollups: AUTHORS_FROM_ROLLUPS },
  map: (rows): AuthorRow[] =>
    rows.map((r) => ({
      source: str(r.source),
      handle: str(r.handle),
      name: str(r.name),
      posts: num(r.posts),
      engagement: num(r.engagement),
      normalized: num(r.normalized),
    })),
});
