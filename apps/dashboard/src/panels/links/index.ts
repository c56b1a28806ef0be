import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, CUR, D_FROM, D_MATCH, D_PERIOD, ENG, postsOnly, rollupRows } from '../../sql.ts';
import { definePanel } from '../define.ts';
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
SELECT r.url, ${d === 'duckdb' ? "regexp_extract(lower(r.url), '^[a-z]+://(?:www\\.)?([^/:?#]+)', 1)" : "REGEXP_EXTRACT(LOWER(r.url), r'^[a-z]+://(?:www\\.)?([^/:?#]+)')"} AS domain,
       ${d === 'duckdb'
    ? 'first(r.title ORDER BY r.title_eng DESC, r.title_post) FILTER (WHERE r.title IS NOT NULL)'
    : 'ARRAY_AGG(r.title IGNORE NULLS ORDER BY -r.title_eng, r.title_post LIMIT 1)[SAFE_OFFSET(0)]'} AS title,
       ${d === 'duckdb' ? "sum(r.posts) AS posts, count(DISTINCT r.source || ':' || r.author_id)" : "SUM(r.posts) AS posts, COUNT(DISTINCT CONCAT(r.source, ':', r.author_id))"} AS authors
FROM r JOIN top USING (url) GROUP BY r.url ORDER BY posts DESC, authors DESC, r.url LIMIT ${s}limit`;
}
export const LINKS_FROM_ROLLUPS: DialectSql = { duckdb: rolled('duckdb'), bigquery: rolled('bigquery') };

export const links = definePanel({
  name: 'links',
  limit: 15,
  sql: {
    raw: LINKS,
    postsOnly: postsOnly(LINKS),
    rollups: LINKS_FROM_ROLLUPS,
  },
  map: (rows): LinkRow[] =>
    rows.map((r) => ({ url: str(r.url), domain: str(r.domain), title: strOrNull(r.title), posts: num(r.posts), authors: num(r.authors) })),
});
