/**
 * Every query the dashboard runs, written once per dialect, side by side: DuckDB (`$name`
 * parameters) and BigQuery (`@name`). Values from the user only ever travel as bound
 * parameters; the only pieces composed here are the constant fragments below.
 *
 * Parameters shared by the panels (see filters.ts): start, end, prevStart (ISO instants;
 * the period is [start, end) and the previous one [prevStart, start)), bucket (seconds),
 * source, topic, entity, lang, q ('' = no filter), limit.
 */
import type { DialectSql } from '@social-pulse/warehouse';

/**
 * Engagement of a post: every count the source reports, summed (a missing count is 0).
 * Sources count different things (Mastodon boosts, HN points), so panels that rank across
 * sources divide it by the source's mean in the view (see TRENDING).
 */
const ENG = `(COALESCE(p.like_count, 0) + COALESCE(p.repost_count, 0) + COALESCE(p.reply_count, 0) + COALESCE(p.quote_count, 0) + COALESCE(p.score, 0))`;

const D_PERIOD = `p.created_at >= CAST($start AS TIMESTAMPTZ) AND p.created_at < CAST($end AS TIMESTAMPTZ)`;
const B_PERIOD = `p.created_at >= TIMESTAMP(@start) AND p.created_at < TIMESTAMP(@end)`;
const D_TWO_PERIODS = `p.created_at >= CAST($prevStart AS TIMESTAMPTZ) AND p.created_at < CAST($end AS TIMESTAMPTZ)`;
const B_TWO_PERIODS = `p.created_at >= TIMESTAMP(@prevStart) AND p.created_at < TIMESTAMP(@end)`;

/** The filters every panel applies ('' switches one off). */
const D_MATCH = `($source = '' OR p.source = $source)
    AND ($lang = '' OR p.lang = $lang)
    AND ($topic = '' OR list_contains([x.label FOR x IN p.topics], $topic))
    AND ($entity = '' OR list_contains([lower(x.text) FOR x IN p.entities], lower($entity)))
    AND ($q = '' OR contains(lower(COALESCE(p.title, '') || ' ' || p.text), lower($q)))`;
const B_MATCH = `(@source = '' OR p.source = @source)
    AND (@lang = '' OR p.lang = @lang)
    AND (@topic = '' OR EXISTS (SELECT 1 FROM UNNEST(p.topics) AS x WHERE x.label = @topic))
    AND (@entity = '' OR EXISTS (SELECT 1 FROM UNNEST(p.entities) AS x WHERE LOWER(x.text) = LOWER(@entity)))
    AND (@q = '' OR STRPOS(LOWER(CONCAT(IFNULL(p.title, ''), ' ', p.text)), LOWER(@q)) > 0)`;

/** The same filters without topic and entity: for views that do not filter on NLP labels. */
const D_MATCH_POSTS = `($source = '' OR p.source = $source)
    AND ($lang = '' OR p.lang = $lang)
    AND ($q = '' OR contains(lower(COALESCE(p.title, '') || ' ' || p.text), lower($q)))`;
const B_MATCH_POSTS = `(@source = '' OR p.source = @source)
    AND (@lang = '' OR p.lang = @lang)
    AND (@q = '' OR STRPOS(LOWER(CONCAT(IFNULL(p.title, ''), ' ', p.text)), LOWER(@q)) > 0)`;

/**
 * Posts with their labels, for panels over the period [lo, $end). The join reads only that
 * period's labels: post_nlp carries each post's created_at and is partitioned (BigQuery) and
 * ordered (DuckDB) by it, so the period's bounds, repeated on n.created_at, skip every other
 * period's labels (at 10M posts a 7-day view reads 2% of them). Without those bounds the
 * join would scan every label ever computed.
 */
const D_LABELLED = (lo: '$start' | '$prevStart') => `(
  SELECT p.*, n.topics, n.entities, n.sentiment, n.sentiment_score
  FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id
   AND n.created_at >= CAST(${lo} AS TIMESTAMPTZ) AND n.created_at < CAST($end AS TIMESTAMPTZ))`;
const B_LABELLED = (lo: '@start' | '@prevStart') => `(
  SELECT p.*, n.topics, n.entities, n.sentiment, n.sentiment_score
  FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id
   AND n.created_at >= TIMESTAMP(${lo}) AND n.created_at < TIMESTAMP(@end))`;
const D_FROM = `FROM ${D_LABELLED('$start')} AS p`;
const B_FROM = `FROM ${B_LABELLED('@start')} AS p`;
const D_FROM_TWO = `FROM ${D_LABELLED('$prevStart')} AS p`;
const B_FROM_TWO = `FROM ${B_LABELLED('@prevStart')} AS p`;

/**
 * The variant of a panel that reads `posts` alone. Joining post_nlp costs a read of the
 * period's labels, so panels that show no label use this variant unless the view filters on
 * a topic or an entity. Both variants are constant text; which one runs depends only on
 * whether those filters are empty.
 */
export function postsOnly(sql: DialectSql): DialectSql {
  const swap = (text: string, froms: string[], match: string, matchPosts: string) => {
    let out = text.replaceAll(match, matchPosts);
    for (const f of froms) out = out.replaceAll(f, 'FROM posts AS p');
    if (/ON n\.post_id = p\.post_id|p\.(topics|entities|sentiment)\b/.test(out)) throw new Error('postsOnly: this panel needs NLP labels');
    return out;
  };
  return {
    duckdb: swap(sql.duckdb, [D_FROM, D_FROM_TWO], D_MATCH, D_MATCH_POSTS),
    bigquery: swap(sql.bigquery, [B_FROM, B_FROM_TWO], B_MATCH, B_MATCH_POSTS),
  };
}

const D_BUCKET = `CAST(floor(epoch(p.created_at) / $bucket) * $bucket AS BIGINT)`;
const B_BUCKET = `DIV(UNIX_SECONDS(p.created_at), @bucket) * @bucket`;

/** Posts, distinct authors, sources and engagement, for the period and the one before it. */
export const HEADLINE: DialectSql = {
  duckdb: `
SELECT p.created_at >= CAST($start AS TIMESTAMPTZ) AS is_current,
       count(*) AS posts,
       count(DISTINCT p.source || ':' || p.author_id) AS authors,
       count(DISTINCT p.source) AS sources,
       COALESCE(sum(${ENG}), 0) AS engagement
${D_FROM_TWO}
WHERE ${D_TWO_PERIODS} AND ${D_MATCH}
GROUP BY 1`,
  bigquery: `
SELECT p.created_at >= TIMESTAMP(@start) AS is_current,
       COUNT(*) AS posts,
       COUNT(DISTINCT CONCAT(p.source, ':', p.author_id)) AS authors,
       COUNT(DISTINCT p.source) AS sources,
       COALESCE(SUM(${ENG}), 0) AS engagement
${B_FROM_TWO}
WHERE ${B_TWO_PERIODS} AND ${B_MATCH}
GROUP BY 1`,
};

/** Posts per bucket (hour or day) and source. */
export const VOLUME: DialectSql = {
  duckdb: `
SELECT ${D_BUCKET} AS bucket, p.source AS name, count(*) AS n
${D_FROM}
WHERE ${D_PERIOD} AND ${D_MATCH}
GROUP BY 1, 2 ORDER BY 1, 2`,
  bigquery: `
SELECT ${B_BUCKET} AS bucket, p.source AS name, COUNT(*) AS n
${B_FROM}
WHERE ${B_PERIOD} AND ${B_MATCH}
GROUP BY 1, 2 ORDER BY 1, 2`,
};

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

/** Posts per bucket for the $limit most frequent topics of the period. */
export const TOPICS: DialectSql = {
  duckdb: `
WITH t AS (
  SELECT ${D_BUCKET} AS bucket, unnest([x.label FOR x IN p.topics]) AS name
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH}),
top AS (SELECT name FROM t GROUP BY name ORDER BY count(*) DESC, name LIMIT $limit)
SELECT t.bucket, t.name, count(*) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
  bigquery: `
WITH t AS (
  SELECT ${B_BUCKET} AS bucket, x.label AS name
  ${B_FROM}, UNNEST(p.topics) AS x
  WHERE ${B_PERIOD} AND ${B_MATCH}),
top AS (SELECT name FROM t GROUP BY name ORDER BY COUNT(*) DESC, name LIMIT @limit)
SELECT t.bucket, t.name, COUNT(*) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
};

/**
 * Ranked posts with everything a card shows. Scoring touches only narrow columns of every
 * post in the view; text, topics and entities are read for the $limit winners alone.
 *
 *   engagement  E = likes + reposts + replies + quotes + score
 *   normalized  N = E / mean(E of the same source in the view)     (0 when that mean is 0)
 *   velocity    V = N / (age in hours at the end of the period + 2) ^ 1.8
 *
 * V is Hacker News' gravity ranking ((points - 1) / (T + 2)^1.8) with points replaced by N,
 * so that a post twice as engaging as its source's average counts the same on every network.
 */
function ranked(order: { duckdb: string; bigquery: string }): DialectSql {
  return {
    duckdb: `
WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH}),
m AS (SELECT source, avg(eng) AS mean_eng FROM f GROUP BY source),
s AS (SELECT f.post_id, f.created_at, f.eng, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized FROM f JOIN m USING (source)),
r AS (
  SELECT post_id, eng, normalized,
         normalized / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(created_at), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM s ORDER BY ${order.duckdb}, post_id LIMIT $limit)
SELECT r.eng, r.normalized, r.velocity, p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       left(p.text, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       [x.label FOR x IN COALESCE(n.topics, [])] AS topics,
       [{'type': x.type, 'text': x.text} FOR x IN COALESCE(n.entities, [])] AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  AND n.created_at >= CAST($start AS TIMESTAMPTZ) AND n.created_at < CAST($end AS TIMESTAMPTZ)
WHERE ${D_PERIOD}
ORDER BY ${order.duckdb.replaceAll(/\b(velocity|normalized|eng)\b/g, 'r.$1')}, p.post_id`,
    bigquery: `
WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  ${B_FROM}
  WHERE ${B_PERIOD} AND ${B_MATCH}),
m AS (SELECT source, AVG(eng) AS mean_eng FROM f GROUP BY source),
s AS (SELECT f.post_id, f.created_at, f.eng, IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) AS normalized FROM f JOIN m USING (source)),
r AS (
  SELECT post_id, eng, normalized,
         normalized / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), created_at, SECOND), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM s ORDER BY ${order.bigquery}, post_id LIMIT @limit)
SELECT r.eng, r.normalized, r.velocity, p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       SUBSTR(p.text, 1, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       ARRAY(SELECT x.label FROM UNNEST(n.topics) AS x) AS topics,
       ARRAY(SELECT AS STRUCT x.type, x.text FROM UNNEST(n.entities) AS x) AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  AND n.created_at >= TIMESTAMP(@start) AND n.created_at < TIMESTAMP(@end)
WHERE ${B_PERIOD}
ORDER BY ${order.bigquery.replaceAll(/\b(velocity|normalized|eng)\b/g, 'r.$1')}, p.post_id`,
  };
}

/** Trending now: engagement velocity (see ranked). */
export const TRENDING = ranked({ duckdb: 'velocity DESC', bigquery: 'velocity DESC' });
/** Top posts of the period: normalized engagement, age ignored. */
export const TOP_POSTS = ranked({ duckdb: 'normalized DESC, eng DESC', bigquery: 'normalized DESC, eng DESC' });

/** Authors with the most posts in the view, then the most (normalized) engagement. */
export const AUTHORS: DialectSql = {
  duckdb: `
WITH f AS (
  SELECT p.source, p.author_id, p.author_handle, p.author_name, p.created_at, ${ENG} AS eng
  ${D_FROM}
  WHERE ${D_PERIOD} AND ${D_MATCH}),
m AS (SELECT source, avg(eng) AS mean_eng FROM f GROUP BY source)
SELECT f.source, arg_max(f.author_handle, f.created_at) AS handle, arg_max(f.author_name, f.created_at) AS name,
       count(*) AS posts, sum(f.eng) AS engagement, sum(COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0)) AS normalized
FROM f JOIN m USING (source)
GROUP BY f.source, f.author_id
ORDER BY posts DESC, normalized DESC, handle LIMIT $limit`,
  bigquery: `
WITH f AS (
  SELECT p.source, p.author_id, p.author_handle, p.author_name, p.created_at, ${ENG} AS eng
  ${B_FROM}
  WHERE ${B_PERIOD} AND ${B_MATCH}),
m AS (SELECT source, AVG(eng) AS mean_eng FROM f GROUP BY source)
SELECT f.source, ARRAY_AGG(f.author_handle ORDER BY f.created_at DESC LIMIT 1)[OFFSET(0)] AS handle,
       ARRAY_AGG(f.author_name ORDER BY f.created_at DESC LIMIT 1)[OFFSET(0)] AS name,
       COUNT(*) AS posts, SUM(f.eng) AS engagement, SUM(IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0)) AS normalized
FROM f JOIN m USING (source)
GROUP BY f.source, f.author_id
ORDER BY posts DESC, normalized DESC, handle LIMIT @limit`,
};

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
       arg_max(title, eng) FILTER (WHERE title IS NOT NULL) AS title,
       count(*) AS posts, count(DISTINCT source || ':' || author_id) AS authors
FROM l GROUP BY url ORDER BY posts DESC, authors DESC, url LIMIT $limit`,
  bigquery: `
WITH l AS (
  SELECT p.post_id, p.source, p.author_id, ${ENG} AS eng,
         COALESCE(IF(p.kind = 'story', p.title, NULL), SAFE.JSON_VALUE(p.extra, '$.card_title')) AS title,
         url
  ${B_FROM}, UNNEST(ARRAY(SELECT DISTINCT u FROM UNNEST(p.links) AS u)) AS url
  WHERE ${B_PERIOD} AND ${B_MATCH})
SELECT url, REGEXP_EXTRACT(LOWER(url), r'^[a-z]+://(?:www\\.)?([^/:?#]+)') AS domain,
       ARRAY_AGG(title IGNORE NULLS ORDER BY eng DESC LIMIT 1)[SAFE_OFFSET(0)] AS title,
       COUNT(*) AS posts, COUNT(DISTINCT CONCAT(source, ':', author_id)) AS authors
FROM l GROUP BY url ORDER BY posts DESC, authors DESC, url LIMIT @limit`,
};

/** Products and corporations by posts mentioning them, this period and the previous one. */
export const ENTITIES: DialectSql = {
  duckdb: `
WITH x AS (
  SELECT p.post_id, p.created_at >= CAST($start AS TIMESTAMPTZ) AS is_current, unnest(p.entities) AS en
  ${D_FROM_TWO}
  WHERE ${D_TWO_PERIODS} AND ${D_MATCH}),
y AS (SELECT post_id, is_current, en.type AS type, en.text AS text FROM x WHERE en.type IN ('product', 'corporation'))
SELECT type, mode(text) AS text,
       count(DISTINCT post_id) FILTER (WHERE is_current) AS posts,
       count(DISTINCT post_id) FILTER (WHERE NOT is_current) AS previous
FROM y GROUP BY type, lower(text)
HAVING count(DISTINCT post_id) FILTER (WHERE is_current) > 0
ORDER BY posts DESC, previous, text LIMIT $limit`,
  bigquery: `
WITH y AS (
  SELECT p.post_id, p.created_at >= TIMESTAMP(@start) AS is_current, x.type AS type, x.text AS text
  ${B_FROM_TWO}, UNNEST(p.entities) AS x
  WHERE ${B_TWO_PERIODS} AND ${B_MATCH} AND x.type IN ('product', 'corporation'))
SELECT type, APPROX_TOP_COUNT(text, 1)[OFFSET(0)].value AS text,
       COUNT(DISTINCT IF(is_current, post_id, NULL)) AS posts,
       COUNT(DISTINCT IF(is_current, NULL, post_id)) AS previous
FROM y GROUP BY type, LOWER(text)
HAVING COUNT(DISTINCT IF(is_current, post_id, NULL)) > 0
ORDER BY posts DESC, previous, text LIMIT @limit`,
};

/** Per step and source: the last run (any outcome) and the last success. */
export const STATUS: DialectSql = {
  duckdb: `
WITH last_run AS (
  SELECT step, source, status, started_at, error FROM pipeline_runs WHERE TRUE
  QUALIFY row_number() OVER (PARTITION BY step, source ORDER BY started_at DESC) = 1),
last_ok AS (
  SELECT step, source, finished_at, rows_out FROM pipeline_runs WHERE status IN ('ok', 'partial') AND finished_at IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY step, source ORDER BY finished_at DESC) = 1)
SELECT r.step, r.source, r.status AS last_status, r.started_at AS last_run_at, r.error AS last_error,
       o.finished_at AS last_success_at, o.rows_out AS rows_added
FROM last_run AS r LEFT JOIN last_ok AS o ON o.step = r.step AND o.source = r.source
ORDER BY r.step, r.source`,
  bigquery: `
WITH last_run AS (
  SELECT step, source, status, started_at, error FROM pipeline_runs WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY step, source ORDER BY started_at DESC) = 1),
last_ok AS (
  SELECT step, source, finished_at, rows_out FROM pipeline_runs WHERE status IN ('ok', 'partial') AND finished_at IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY step, source ORDER BY finished_at DESC) = 1)
SELECT r.step, r.source, r.status AS last_status, r.started_at AS last_run_at, r.error AS last_error,
       o.finished_at AS last_success_at, o.rows_out AS rows_added
FROM last_run AS r LEFT JOIN last_ok AS o ON o.step = r.step AND o.source = r.source
ORDER BY r.step, r.source`,
};

/**
 * Values for the source and language menus: what occurs in the period, most frequent first.
 * (The topic and entity menus offer what the topics and entities panels found: reading every
 * label of the period once more would cost a scan of post_nlp for a menu.)
 */
export const OPTIONS: DialectSql = {
  duckdb: `
WITH v AS (
  SELECT 'source' AS kind, p.source AS value FROM posts AS p WHERE ${D_PERIOD}
  UNION ALL SELECT 'lang', p.lang FROM posts AS p WHERE ${D_PERIOD} AND p.lang IS NOT NULL)
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, value) <= $limit
ORDER BY kind, count(*) DESC, value`,
  bigquery: `
WITH v AS (
  SELECT 'source' AS kind, p.source AS value FROM posts AS p WHERE ${B_PERIOD}
  UNION ALL SELECT 'lang', p.lang FROM posts AS p WHERE ${B_PERIOD} AND p.lang IS NOT NULL)
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY ROW_NUMBER() OVER (PARTITION BY kind ORDER BY COUNT(*) DESC, value) <= @limit
ORDER BY kind, COUNT(*) DESC, value`,
};

/**
 * Whether the warehouse has the data-quality table: warehouses loaded before the checks
 * existed have none (and the dashboard opens the warehouse read-only, creating nothing).
 */
export const QUALITY_TABLE: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'dq_checks'`,
  bigquery: `SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES WHERE table_name = 'dq_checks'`,
};

/** The checks of the latest run that ran any, failures first. */
export const QUALITY: DialectSql = {
  duckdb: `
WITH latest AS (SELECT run_id FROM dq_checks ORDER BY checked_at DESC LIMIT 1)
SELECT run_id, check_name, source, status, severity, observed, expected, message, checked_at
FROM dq_checks WHERE run_id = (SELECT run_id FROM latest)
ORDER BY status = 'fail' DESC, severity, check_name, source`,
  bigquery: `
WITH latest AS (SELECT run_id FROM dq_checks ORDER BY checked_at DESC LIMIT 1)
SELECT run_id, check_name, source, status, severity, observed, expected, message, checked_at
FROM dq_checks WHERE run_id = (SELECT run_id FROM latest)
ORDER BY status = 'fail' DESC, severity, check_name, source`,
};

/** The posts-only variants (see postsOnly), used when the view has no topic or entity filter. */
export const POSTS_ONLY = {
  headline: postsOnly(HEADLINE),
  volume: postsOnly(VOLUME),
  trending: postsOnly(TRENDING),
  topPosts: postsOnly(TOP_POSTS),
  authors: postsOnly(AUTHORS),
  hashtags: postsOnly(HASHTAGS),
  links: postsOnly(LINKS),
};

/**
 * Events (table events, written by the detector after each load) whose hours overlap the
 * period, strongest first: marked on the volume chart and listed. Not narrowed by the source,
 * language or label filters: an event is about a key across all sources.
 */
export const EVENTS: DialectSql = {
  duckdb: `SELECT event_id, kind, "key", started_at, last_seen_at, observed, expected, score, status FROM events
WHERE last_seen_at >= CAST($start AS TIMESTAMPTZ) AND started_at < CAST($end AS TIMESTAMPTZ)
ORDER BY score DESC, started_at DESC, event_id LIMIT $limit`,
  bigquery: `SELECT event_id, kind, \`key\`, started_at, last_seen_at, observed, expected, score, status FROM events
WHERE last_seen_at >= TIMESTAMP(@start) AND started_at < TIMESTAMP(@end)
ORDER BY score DESC, started_at DESC, event_id LIMIT @limit`,
};
