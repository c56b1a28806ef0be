import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, CUR, D_FROM, D_MATCH, D_PERIOD, postsOnly, rollupEdges, rollupRows, spansLongEnough, spansSplit, tsParam } from '../../sql.ts';
import { definePanel, type Row } from '../define.ts';
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

/**
 * HASHTAGS from the spans of each (tag, source, author) pair (rollup_hashtag_spans), for long
 * views without a language filter (spans have no language): the same rows. A pair whose span
 * lies within the view's whole days [cLo, cHi) counts from its one row (its posts, one author);
 * a pair that straddles cLo or cHi adds its daily rows within them; the partial edge days come
 * from posts. An edge pair always straddles (its edge day is in its span, outside [cLo, cHi)), so
 * the pairs counted from spans and the rest are disjoint: only the rest are grouped by author.
 */
function spansPanel(d: 'duckdb' | 'bigquery'): string {
  const t = tsParam(d);
  const s = d === 'duckdb' ? '$' : '@';
  const source = (a: string) => `(${s}source = '' OR ${a}.source = ${s}source)`;
  const inside = `s.first_day >= ${t('cLo')} AND s.last_day < ${t('cHi')}`;
  return `
WITH whole AS (
  SELECT tag, ${d === 'duckdb' ? 'sum(posts)' : 'SUM(posts)'} AS posts, COUNT(*) AS authors
  FROM rollup_hashtag_spans AS s
  WHERE ${inside} AND ${source('s')}
  GROUP BY tag),
straddling AS (
  SELECT s.tag, s.source, s.author_id FROM rollup_hashtag_spans AS s
  WHERE s.first_day < ${t('cHi')} AND s.last_day >= ${t('cLo')} AND NOT (${inside}) AND ${source('s')}),
rest AS (
  SELECT tag, source, author_id, ${d === 'duckdb' ? 'sum(posts)' : 'SUM(posts)'} AS posts FROM (
    SELECT r.tag, r.source, r.author_id, r.posts FROM rollup_hashtags_daily AS r
    JOIN straddling AS b ON b.tag = r.tag AND b.source = r.source AND b.author_id = r.author_id
    WHERE r.day >= ${t('cLo')} AND r.day < ${t('cHi')}
    UNION ALL SELECT e.tag, e.source, e.author_id, e.posts FROM (${rollupEdges('rollup_hashtags_daily', d, CUR)}) AS e WHERE ${source('e')}) AS x
  GROUP BY 1, 2, 3)
SELECT tag, ${d === 'duckdb' ? 'sum(posts)' : 'SUM(posts)'} AS posts, ${d === 'duckdb' ? 'sum(authors)' : 'SUM(authors)'} AS authors
FROM (SELECT tag, posts, authors FROM whole UNION ALL SELECT tag, posts, 1 AS authors FROM rest) AS u
GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT ${s}limit`;
}
export const HASHTAGS_FROM_SPANS: DialectSql = { duckdb: spansPanel('duckdb'), bigquery: spansPanel('bigquery') };

/** How many pairs of the view's whole days lie inside them and how many straddle a bound. */
export const HASHTAG_SPANS_SPLIT: DialectSql = spansSplit('rollup_hashtag_spans', 's', { duckdb: "($source = '' OR s.source = $source)", bigquery: "(@source = '' OR s.source = @source)" });

const LIMIT = 20;
const toRows = (rows: Row[]): HashtagRow[] => rows.map((r) => ({ tag: str(r.tag), posts: num(r.posts), authors: num(r.authors) }));

export const hashtags = definePanel({
  name: 'hashtags',
  limit: LIMIT,
  sql: { raw: HASHTAGS, postsOnly: postsOnly(HASHTAGS), rollups: HASHTAGS_FROM_ROLLUPS, spans: HASHTAGS_FROM_SPANS },
  // Through the rollups, a long view without a language filter reads the spans when most of
  // its pairs lie inside its whole days (HASHTAG_SPANS_SPLIT, timed as hashtagSpans), else the daily rows.
  async load(c): Promise<HashtagRow[]> {
    if (spansLongEnough(c.rolled, c.rp) && c.filters.lang === '') {
      const [split] = await c.run('hashtagSpans', HASHTAG_SPANS_SPLIT, c.rp);
      if (num(split?.inside) >= num(split?.straddling)) return toRows(await c.run('hashtags', HASHTAGS_FROM_SPANS, { limit: LIMIT, ...c.rp }));
    }
    return toRows(await c.query());
  },
});
