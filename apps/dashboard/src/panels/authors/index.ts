import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, B_ROLLED_MEAN, CUR, D_FROM, D_MATCH, D_PERIOD, D_ROLLED_MEAN, ENG, postsOnly, rollupDays, rollupEdges, rollupMatch } from '../../sql.ts';
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

/**
 * AUTHORS from the rollups (see sql.ts, Rollups): the same rows, in two steps. Posts per author
 * first (by author_key: sums, no strings), then the handle, name and engagement only for the authors that can
 * rank: those with at least as many posts as the $limit-th (the order is posts first, so ties
 * at the k-th are all kept). The sources' means come from rollup_daily (the same sums).
 */
function rolled(d: 'duckdb' | 'bigquery'): string {
  const s = d === 'duckdb' ? '$' : '@';
  const [sum, min] = d === 'duckdb' ? ['sum', 'min'] : ['SUM', 'MIN'];
  const inline = d === 'duckdb' ? 'NOT MATERIALIZED ' : '';
  return `
WITH e AS ${d === 'duckdb' ? 'MATERIALIZED ' : ''}(SELECT * FROM (${rollupEdges('rollup_authors_daily', d, CUR)}) AS q WHERE ${rollupMatch(d, 'q')}),
f AS ${inline}(SELECT * FROM (${rollupDays('rollup_authors_daily', d, CUR)}) AS q WHERE ${rollupMatch(d, 'q')} UNION ALL SELECT * FROM e),
c AS (SELECT author_key, ${sum}(posts) AS posts FROM f GROUP BY author_key),
top AS (SELECT author_key FROM c WHERE posts >= (SELECT ${min}(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT ${s}limit) AS k)),
m AS (${d === 'duckdb' ? D_ROLLED_MEAN() : B_ROLLED_MEAN()}),
a AS (SELECT f.source, f.author_id, ${d === 'duckdb'
    ? 'arg_max(f.author_handle, f.last_at) AS handle, arg_max(f.author_name, f.last_at) AS name'
    : 'ARRAY_AGG(f.author_handle ORDER BY f.last_at DESC LIMIT 1)[OFFSET(0)] AS handle, ARRAY_AGG(f.author_name ORDER BY f.last_at DESC LIMIT 1)[OFFSET(0)] AS name'},
             ${sum}(f.posts) AS posts, ${sum}(f.engagement) AS engagement
      FROM f JOIN top ON top.author_key = f.author_key GROUP BY f.author_key, f.source, f.author_id)
SELECT a.source, a.handle, a.name, a.posts, a.engagement, ${d === 'duckdb' ? 'COALESCE(a.engagement / NULLIF(m.mean_eng, 0), 0)' : 'IFNULL(SAFE_DIVIDE(a.engagement, m.mean_eng), 0)'} AS normalized
FROM a JOIN m USING (source)
ORDER BY posts DESC, normalized DESC, handle LIMIT ${s}limit`;
}
export const AUTHORS_FROM_ROLLUPS: DialectSql = { duckdb: rolled('duckdb'), bigquery: rolled('bigquery') };

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
