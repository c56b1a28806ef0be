import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, CUR, D_FROM, D_MATCH, D_PERIOD, ENG, postsOnly, rollupEdges, rollupRows, spanReaches, spansLongEnough, spansSplit, tsParam, wholeDays } from '../../sql.ts';
import { definePanel, type Row } from '../define.ts';
import { num, str, strOrNull } from '../values.ts';

export interface LinkRow {
  url: string;
  domain: string;
  title: string | null;
  posts: number;
  authors: number;
}

/**
 * Links shared by the most posts, with their domain and a title where one is known: the
 * title of a story that links it (Hacker News, Reddit) or the preview card of a Mastodon post.
 */
export const LINKS: DialectSql = {
  duckdb: `
WITH l AS (
  SELECT p.post_id, p.source, p.author_id, ${ENG} AS eng,
         COALESCE(CASE WHEN p.kind = 'story' THEN p.title END,
                  CASE WHEN json_valid(p.extra) THEN json_extract_string(p.extra, '$.card_title') END) AS title,
         unnest(list_distinct(p.links)) AS url
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH})
SELECT url, regexp_extract(lower(url), '^[a-z]+://(?:www\\.)?([^/:?#]+)', 1) AS domain,
       first(title ORDER BY eng DESC, post_id) FILTER (WHERE title IS NOT NULL) AS title,
       count(*) AS posts, count(DISTINCT source || ':' || author_id) AS authors
FROM l GROUP BY url ORDER BY posts DESC, authors DESC, url LIMIT $limit`,
  bigquery: `
WITH l AS (
  SELECT p.post_id, p.source, p.author_id, ${ENG} AS eng,
         COALESCE(IF(p.kind = 'story', p.title, NULL), SAFE.JSON_VALUE(p.extra, '$.card_title')) AS title,
         link AS url
  ${B_FROM}, UNNEST(ARRAY(SELECT DISTINCT u FROM UNNEST(p.links) AS u)) AS link
  WHERE ${B_PERIOD} AND ${B_MATCH})
SELECT url, REGEXP_EXTRACT(LOWER(url), r'^[a-z]+://(?:www\\.)?([^/:?#]+)') AS domain,
       ARRAY_AGG(title IGNORE NULLS ORDER BY -eng, post_id LIMIT 1)[SAFE_OFFSET(0)] AS title,
       COUNT(*) AS posts, COUNT(DISTINCT CONCAT(source, ':', author_id)) AS authors
FROM l GROUP BY url ORDER BY posts DESC, authors DESC, url LIMIT @limit`,
};

/** The last step of the links through the rollups: rows `r` of the links that can rank → the panel's rows. */
function rankLinks(d: 'duckdb' | 'bigquery', from: string): string {
  const s = d === 'duckdb' ? '$' : '@';
  return `SELECT r.url, ${d === 'duckdb' ? "regexp_extract(lower(r.url), '^[a-z]+://(?:www\\.)?([^/:?#]+)', 1)" : "REGEXP_EXTRACT(LOWER(r.url), r'^[a-z]+://(?:www\\.)?([^/:?#]+)')"} AS domain,
       ${d === 'duckdb'
    ? 'first(r.title ORDER BY r.title_eng DESC, r.title_post) FILTER (WHERE r.title IS NOT NULL)'
    : 'ARRAY_AGG(r.title IGNORE NULLS ORDER BY -r.title_eng, r.title_post LIMIT 1)[SAFE_OFFSET(0)]'} AS title,
       ${d === 'duckdb' ? "sum(r.posts) AS posts, count(DISTINCT r.source || ':' || r.author_id)" : "SUM(r.posts) AS posts, COUNT(DISTINCT CONCAT(r.source, ':', r.author_id))"} AS authors
${from} GROUP BY r.url ORDER BY posts DESC, authors DESC, r.url LIMIT ${s}limit`;
}

/**
 * LINKS from rollup_links_daily (see sql.ts, Rollups), in two steps, with the same rows: posts
 * per link first, then the distinct authors and the title only for the links that can rank,
 * those shared by at least as many posts as the $limit-th link (the order is posts first, so
 * every link of the answer is among them, ties included). The title is the best of each row's
 * (the most engaging titled post's, ties: the smallest post_id), so the best of all the posts'.
 * At 10M posts a year has 1.19M distinct links in 3.0M uses: reading them from the rollup spares
 * reading every post's link list and preview card.
 */
function rolled(d: 'duckdb' | 'bigquery'): string {
  const s = d === 'duckdb' ? '$' : '@';
  return `
WITH r AS ${d === 'duckdb' ? 'MATERIALIZED ' : ''}(SELECT url, source, author_id, posts, title, title_eng, title_post FROM (${rollupRows('rollup_links_daily', d, CUR)}) AS q),
c AS (SELECT url, ${d === 'duckdb' ? 'sum' : 'SUM'}(posts) AS posts FROM r GROUP BY url),
top AS (SELECT url FROM c WHERE posts >= (SELECT ${d === 'duckdb' ? 'min' : 'MIN'}(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT ${s}limit) AS k))
${rankLinks(d, 'FROM r JOIN top USING (url)')}`;
}
export const LINKS_FROM_ROLLUPS: DialectSql = { duckdb: rolled('duckdb'), bigquery: rolled('bigquery') };

/** How many of the links with the most posts over all time a bounded view counts first (see linksBounded). */
const BOUND_PROBE = 64;

/**
 * Whole days from which a view reads LINKS_BOUNDED rather than every link of its days. At 10M
 * posts (docs/BENCHMARKS.md) it costs about a spans scan and two passes over the view's rows
 * that keep only a few links: 14 days 44–50 ms against 34–38 ms for every link, 30 days 50–65
 * against 97–120, 90 days 80 against 241–275.
 */
export const BOUNDED_MIN_DAYS = 21;

/**
 * LINKS through the rollups with the same rows (views of BOUNDED_MIN_DAYS or more), counting
 * only the links that can rank: a link's posts in any view, whatever its filters, are at most
 * its posts over all time (its span's).
 * First, the view's posts of the BOUND_PROBE links with the most posts over all time among those
 * whose span reaches the view: the $limit-th of those counts, g, is at most the $limit-th of all
 * links (the answer's last), so a link with fewer than g posts over all time cannot rank. Then
 * the links with at least g posts over all time are counted and ranked as LINKS_FROM_ROLLUPS
 * ranks every link (ties at the $limit-th included). With fewer than $limit links among the
 * probed, g is 1: every link the view may hold is counted.
 */
export function linksBounded(d: 'duckdb' | 'bigquery', probeSize = BOUND_PROBE): string {
  const s = d === 'duckdb' ? '$' : '@';
  const [sum, min, count] = d === 'duckdb' ? ['sum', 'min', 'count'] : ['SUM', 'MIN', 'COUNT'];
  const m = d === 'duckdb' ? 'MATERIALIZED ' : '';
  const cols = 'url, source, author_id, posts, title, title_eng, title_post';
  // The view's rows (whole days and edges, filtered) of the links in `among`.
  const rowsOf = (among: string) => `SELECT q.* FROM (${rollupRows('rollup_links_daily', d, CUR)}) AS q WHERE q.url IN (SELECT url FROM ${among})`;
  return `
WITH k AS ${m}(SELECT s.url, s.posts FROM rollup_link_spans AS s WHERE ${spanReaches(d, 's')}),
probe AS (SELECT url FROM k ORDER BY posts DESC LIMIT ${probeSize}),
pc AS (SELECT url, ${sum}(posts) AS posts FROM (${rowsOf('probe')}) AS x GROUP BY url),
bound AS (SELECT CASE WHEN ${count}(*) < ${s}limit THEN 1 ELSE ${min}(posts) END AS g FROM (SELECT posts FROM pc ORDER BY posts DESC LIMIT ${s}limit) AS y),
able AS (SELECT url FROM k WHERE posts >= (SELECT g FROM bound)),
r AS ${m}(SELECT ${cols} FROM (${rowsOf('able')}) AS z),
c AS (SELECT url, ${sum}(posts) AS posts FROM r GROUP BY url),
top AS (SELECT url FROM c WHERE posts >= (SELECT ${min}(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT ${s}limit) AS w))
${rankLinks(d, 'FROM r JOIN top USING (url)')}`;
}
export const LINKS_BOUNDED: DialectSql = { duckdb: linksBounded('duckdb'), bigquery: linksBounded('bigquery') };

/**
 * LINKS from the spans of each link (rollup_link_spans), for long views without a source or
 * language filter (spans have neither): the same rows. A link whose span lies within the view's
 * whole days [cLo, cHi) counts its posts from its one row; a link that straddles cLo or cHi sums
 * its daily rows within them, and the partial edge days come from posts (an edge's link always
 * straddles). Then, for the links that can rank only (ties at the $limit-th included), their
 * daily and edge rows give the distinct authors and the title, as LINKS_FROM_ROLLUPS does.
 */
function spans(d: 'duckdb' | 'bigquery'): string {
  const t = tsParam(d);
  const s = d === 'duckdb' ? '$' : '@';
  const [sum, min] = d === 'duckdb' ? ['sum', 'min'] : ['SUM', 'MIN'];
  const inside = `k.first_day >= ${t('cLo')} AND k.last_day < ${t('cHi')}`;
  const whole = `r.day >= ${t('cLo')} AND r.day < ${t('cHi')}`;
  const cols = 'url, source, author_id, posts, title, title_eng, title_post';
  // Both read twice: materialized once each (DuckDB otherwise may compute c once per reference).
  const m = d === 'duckdb' ? 'MATERIALIZED ' : '';
  return `
WITH e AS ${m}(SELECT ${cols} FROM (${rollupEdges('rollup_links_daily', d, CUR)}) AS q),
straddling AS (
  SELECT k.url FROM rollup_link_spans AS k
  WHERE k.first_day < ${t('cHi')} AND k.last_day >= ${t('cLo')} AND NOT (${inside})),
c AS ${m}(
  SELECT k.url, k.posts FROM rollup_link_spans AS k WHERE ${inside}
  UNION ALL
  SELECT url, ${sum}(posts) AS posts FROM (
    SELECT r.url, r.posts FROM rollup_links_daily AS r JOIN straddling AS b ON b.url = r.url WHERE ${whole}
    UNION ALL SELECT url, posts FROM e) AS x
  GROUP BY url),
top AS (SELECT url FROM c WHERE posts >= (SELECT ${min}(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT ${s}limit) AS k)),
r AS (
  SELECT ${cols.split(', ').map((x) => `r.${x}`).join(', ')} FROM rollup_links_daily AS r JOIN top AS tp ON tp.url = r.url WHERE ${whole}
  UNION ALL SELECT ${cols.split(', ').map((x) => `e.${x}`).join(', ')} FROM e JOIN top AS tp ON tp.url = e.url)
${rankLinks(d, 'FROM r')}`;
}
export const LINKS_FROM_SPANS: DialectSql = { duckdb: spans('duckdb'), bigquery: spans('bigquery') };

/** How many links of the view's whole days lie inside them and how many straddle a bound. */
export const LINK_SPANS_SPLIT: DialectSql = spansSplit('rollup_link_spans', 'k');

const LIMIT = 15;
const toRows = (rows: Row[]): LinkRow[] =>
  rows.map((r) => ({ url: str(r.url), domain: str(r.domain), title: strOrNull(r.title), posts: num(r.posts), authors: num(r.authors) }));

export const links = definePanel({
  name: 'links',
  limit: LIMIT,
  sql: {
    raw: LINKS,
    postsOnly: postsOnly(LINKS),
    rollups: LINKS_FROM_ROLLUPS,
    spans: LINKS_FROM_SPANS,
    bounded: LINKS_BOUNDED,
  },
  // Through the rollups, a long view without a source or language filter reads the spans when
  // most of its links lie inside its whole days (LINK_SPANS_SPLIT, timed as linkSpans); other
  // views of BOUNDED_MIN_DAYS or more count only the links that can rank; shorter ones every link of their days.
  async load(c): Promise<LinkRow[]> {
    if (spansLongEnough(c.rolled, c.rp) && c.filters.source === '' && c.filters.lang === '') {
      const [split] = await c.run('linkSpans', LINK_SPANS_SPLIT, c.rp, { gate: true });
      if (num(split?.inside) >= num(split?.straddling)) return toRows(await c.run('links', LINKS_FROM_SPANS, { limit: LIMIT, ...c.rp }));
    }
    if (c.rolled && wholeDays(c.rp) >= BOUNDED_MIN_DAYS) return toRows(await c.run('links', LINKS_BOUNDED, { limit: LIMIT, ...c.rp }));
    return toRows(await c.query());
  },
});
