import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM, B_MATCH, B_PERIOD, D_FROM, D_MATCH, D_PERIOD, ENG, postsOnly } from '../../sql.ts';
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
 * LINKS in two steps, with the same rows: the posts per link first (a count, cheap), then the
 * distinct authors and the title only for the links that can rank, those shared by at least as
 * many posts as the $limit-th link (the order is posts first, so every link of the answer is
 * among them, ties included). At 10M posts a year has 1.19M distinct links in 3.0M uses:
 * counting distinct authors and reading titles (JSON of the preview card) for every one of
 * them was the panel's cost. The title is the one of the most engaging post with a title
 * (ties: the smallest post_id), in both LINKS and here.
 */
export const LINKS_TOPK: DialectSql = {
  duckdb: `
WITH l AS MATERIALIZED (
  SELECT p.post_id, p.source, p.author_id, ${ENG} AS eng, unnest(list_distinct(p.links)) AS url
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH}),
c AS (SELECT url, count(*) AS posts FROM l GROUP BY url),
top AS (SELECT url FROM c WHERE posts >= (SELECT min(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT $limit))),
x AS MATERIALIZED (SELECT l.* FROM l JOIN top USING (url)),
t AS (
  SELECT p.post_id, COALESCE(CASE WHEN p.kind = 'story' THEN p.title END,
                             CASE WHEN json_valid(p.extra) THEN json_extract_string(p.extra, '$.card_title') END) AS title
  FROM posts AS p WHERE ${D_PERIOD} AND p.post_id IN (SELECT post_id FROM x))
SELECT x.url, regexp_extract(lower(x.url), '^[a-z]+://(?:www\\.)?([^/:?#]+)', 1) AS domain,
       first(t.title ORDER BY x.eng DESC, x.post_id) FILTER (WHERE t.title IS NOT NULL) AS title,
       count(*) AS posts, count(DISTINCT x.source || ':' || x.author_id) AS authors
FROM x LEFT JOIN t USING (post_id) GROUP BY x.url ORDER BY posts DESC, authors DESC, x.url LIMIT $limit`,
  bigquery: `
WITH l AS (
  SELECT p.post_id, p.source, p.author_id, ${ENG} AS eng, link AS url
  ${B_FROM}, UNNEST(ARRAY(SELECT DISTINCT u FROM UNNEST(p.links) AS u)) AS link
  WHERE ${B_PERIOD} AND ${B_MATCH}),
c AS (SELECT url, COUNT(*) AS posts FROM l GROUP BY url),
top AS (SELECT url FROM c WHERE posts >= (SELECT MIN(posts) FROM (SELECT posts FROM c ORDER BY posts DESC LIMIT @limit))),
x AS (SELECT l.* FROM l JOIN top USING (url)),
t AS (
  SELECT p.post_id, COALESCE(IF(p.kind = 'story', p.title, NULL), SAFE.JSON_VALUE(p.extra, '$.card_title')) AS title
  FROM posts AS p WHERE ${B_PERIOD} AND p.post_id IN (SELECT post_id FROM x))
SELECT x.url, REGEXP_EXTRACT(LOWER(x.url), r'^[a-z]+://(?:www\\.)?([^/:?#]+)') AS domain,
       ARRAY_AGG(t.title IGNORE NULLS ORDER BY -x.eng, x.post_id LIMIT 1)[SAFE_OFFSET(0)] AS title,
       COUNT(*) AS posts, COUNT(DISTINCT CONCAT(x.source, ':', x.author_id)) AS authors
FROM x LEFT JOIN t USING (post_id) GROUP BY x.url ORDER BY posts DESC, authors DESC, x.url LIMIT @limit`,
};

export const links = definePanel({
  name: 'links',
  limit: 15,
  sql: {
    raw: LINKS,
    postsOnly: postsOnly(LINKS),
    // The two-step query gives the same rows; it runs where the rollups do (it reads posts, not
    // the rollups), so that the raw page stays the reference.
    rollups: postsOnly(LINKS_TOPK),
  },
  map: (rows): LinkRow[] =>
    rows.map((r) => ({ url: str(r.url), domain: str(r.domain), title: strOrNull(r.title), posts: num(r.posts), authors: num(r.authors) })),
});
