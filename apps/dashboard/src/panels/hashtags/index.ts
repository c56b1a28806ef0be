import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, CUR, D_FROM, D_MATCH, D_PERIOD, postsOnly, rollupEdges, rollupRows, spanReaches, tsParam } from '../../sql.ts';
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

/**
 * The candidates of the $limit rows, whose order is posts first: the tags used by at least as
 * many posts as the $limit-th tag (ties included), from `c` (tag, posts of the view).
 */
const candidates = (d: 'duckdb' | 'bigquery') =>
  `top AS (SELECT tag, posts FROM c WHERE posts >= (SELECT ${d === 'duckdb' ? 'min' : 'MIN'}(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT ${d === 'duckdb' ? '$' : '@'}limit) AS k))`;

/**
 * HASHTAGS from the rollups (see sql.ts, Rollups), for views with a language filter: the same
 * rows. Posts per tag first (a sum per tag, no grouping by author), then the distinct authors
 * (author_key) of the candidates only.
 */
function rolled(d: 'duckdb' | 'bigquery'): string {
  const s = d === 'duckdb' ? '$' : '@';
  return `
WITH r AS ${d === 'duckdb' ? 'MATERIALIZED ' : ''}(SELECT tag, author_key, posts FROM (${rollupRows('rollup_hashtags_daily', d, CUR)}) AS q),
c AS (SELECT tag, ${d === 'duckdb' ? 'sum' : 'SUM'}(posts) AS posts FROM r GROUP BY tag),
${candidates(d)},
a AS (SELECT tag, COUNT(*) AS authors FROM (SELECT DISTINCT r.tag, r.author_key FROM r JOIN top ON top.tag = r.tag) AS x GROUP BY tag)
SELECT top.tag, top.posts, a.authors FROM top JOIN a ON a.tag = top.tag
ORDER BY posts DESC, authors DESC, tag LIMIT ${s}limit`;
}
export const HASHTAGS_FROM_ROLLUPS: DialectSql = { duckdb: rolled('duckdb'), bigquery: rolled('bigquery') };

/**
 * HASHTAGS through the spans of each (tag, source, author) pair (rollup_hashtag_spans), for
 * views without a language filter (spans have no language): the same rows. Posts per tag are
 * summed from the daily rows of the view's whole days [cLo, cHi) and the partial edge days (from
 * posts), without grouping by author; then, for the candidates only, the distinct authors come
 * from the spans: a pair whose first or last day lies within [cLo, cHi) has a daily row there
 * (that day's), so it counts without reading its days. Only the other pairs that may have a row
 * in the view are looked up: in the view's daily rows those whose span covers [cLo, cHi) whole
 * (`covers`; for a view ending now, none: no span ends after today), in the edge rows all of
 * them (a span that reaches only an edge day has no daily row within [cLo, cHi)). Both scans
 * of the spans bound last_day on its own (in k it follows from the condition after it): the
 * table is stored in last_day order, so the spans that ended before the view are skipped by
 * row group. Authors are compared by author_key; the edge rows (from posts: this rollup has no
 * hourly tier) take theirs from their pair's span row rather than computing it (md5, about 0.7 µs
 * a row: the leading half day of a 30-day view at 10M posts holds 27,000 rows, 19 ms).
 */
function spansPanel(d: 'duckdb' | 'bigquery'): string {
  const t = tsParam(d);
  const s = d === 'duckdb' ? '$' : '@';
  const m = d === 'duckdb' ? 'MATERIALIZED ' : '';
  const source = (a: string) => `(${s}source = '' OR ${a}.source = ${s}source)`;
  const whole = (a: string) => `${a}.day >= ${t('cLo')} AND ${a}.day < ${t('cHi')}`;
  const within = (x: string) => `(s.${x} >= ${t('cLo')} AND s.${x} < ${t('cHi')})`;
  const certain = `${within('first_day')} OR ${within('last_day')}`;
  return `
WITH e AS ${m}(SELECT q.tag, q.source, q.author_id, q.posts FROM (${rollupEdges('rollup_hashtags_daily', d, CUR)}) AS q WHERE ${source('q')}),
c AS ${m}(
  SELECT tag, ${d === 'duckdb' ? 'sum' : 'SUM'}(posts) AS posts FROM (
    SELECT r.tag, r.posts FROM rollup_hashtags_daily AS r WHERE ${whole('r')} AND ${source('r')}
    UNION ALL SELECT e.tag, e.posts FROM e) AS x
  GROUP BY tag),
${candidates(d)},
k AS (
  SELECT s.tag, COUNT(*) AS authors FROM rollup_hashtag_spans AS s
  WHERE s.tag IN (SELECT tag FROM top) AND ${source('s')} AND s.last_day >= ${t('cLo')} AND (${certain})
  GROUP BY s.tag),
u AS ${m}(
  SELECT s.tag, s.source, s.author_id, s.author_key, s.first_day < ${t('cLo')} AND s.last_day >= ${t('cHi')} AS covers FROM rollup_hashtag_spans AS s
  WHERE s.tag IN (SELECT tag FROM top) AND ${source('s')} AND ${spanReaches(d, 's')} AND NOT (${certain})),
found AS (
  SELECT tag, COUNT(*) AS authors FROM (
    SELECT DISTINCT x.tag, x.author_key FROM (
      SELECT r.tag, r.author_key FROM rollup_hashtags_daily AS r
      WHERE ${whole('r')} AND ${source('r')} AND r.tag IN (SELECT tag FROM u WHERE covers) AND r.author_key IN (SELECT author_key FROM u WHERE covers)
      UNION ALL SELECT u.tag, u.author_key FROM e JOIN u ON u.tag = e.tag AND u.source = e.source AND u.author_id = e.author_id) AS x
    JOIN u ON u.tag = x.tag AND u.author_key = x.author_key) AS y
  GROUP BY tag)
SELECT top.tag, top.posts, COALESCE(k.authors, 0) + COALESCE(found.authors, 0) AS authors
FROM top LEFT JOIN k ON k.tag = top.tag LEFT JOIN found ON found.tag = top.tag
ORDER BY posts DESC, authors DESC, tag LIMIT ${s}limit`;
}
export const HASHTAGS_FROM_SPANS: DialectSql = { duckdb: spansPanel('duckdb'), bigquery: spansPanel('bigquery') };

const LIMIT = 20;
const toRows = (rows: Row[]): HashtagRow[] => rows.map((r) => ({ tag: str(r.tag), posts: num(r.posts), authors: num(r.authors) }));

export const hashtags = definePanel({
  name: 'hashtags',
  limit: LIMIT,
  sql: { raw: HASHTAGS, postsOnly: postsOnly(HASHTAGS), rollups: HASHTAGS_FROM_ROLLUPS, spans: HASHTAGS_FROM_SPANS },
  // Through the rollups, a view without a language filter counts its candidates' authors from the spans.
  async load(c): Promise<HashtagRow[]> {
    if (c.rolled && c.filters.lang === '') return toRows(await c.run('hashtags', HASHTAGS_FROM_SPANS, { limit: LIMIT, ...c.rp }));
    return toRows(await c.query());
  },
});
