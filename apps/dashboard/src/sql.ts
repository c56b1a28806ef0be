/**
 * Every query the dashboard runs, written once per dialect, side by side: DuckDB (`$name`
 * parameters) and BigQuery (`@name`). Values from the user only ever travel as bound
 * parameters; the only pieces composed here are the constant fragments below.
 *
 * Parameters shared by the panels (see filters.ts): start, end, prevStart (ISO instants;
 * the period is [start, end) and the previous one [prevStart, start)), bucket (seconds),
 * source, topic, entity, lang, q ('' = no filter), limit.
 */
import { columnNames } from '@social-pulse/schema';
import { ROLLUPS, ROLLUPS_STATE_KEY, ROLLUPS_VERSION, STATUS_SQL, type DialectSql, type RollupDef } from '@social-pulse/warehouse';

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

/** A timestamp parameter `x` in `d`'s syntax: `CAST($x AS TIMESTAMPTZ)` in DuckDB, `TIMESTAMP(@x)` in BigQuery. */
const tsParam = (d: 'duckdb' | 'bigquery') => (x: string): string => (d === 'duckdb' ? `CAST($${x} AS TIMESTAMPTZ)` : `TIMESTAMP(@${x})`);
/** The view's period and its filters on posts `p` (no NLP labels), in `d`'s syntax. */
const periodAndMatch = (d: 'duckdb' | 'bigquery'): [period: string, match: string] => (d === 'duckdb' ? [D_PERIOD, D_MATCH_POSTS] : [B_PERIOD, B_MATCH_POSTS]);

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

/**
 * The first two CTEs of every panel that ranks posts (top posts, rising now, stories): f, the
 * view's posts with their engagement, and m, each source's mean engagement among them (`avg`,
 * or `ratio`: sum / count as ranked() has always computed it). `rolled` (top posts through the
 * rollups) reads posts alone, keeps only those whose engagement passes the bound given, and
 * takes the means from rollup_daily (the same means: every post of the view counts there).
 */
function viewPosts(d: 'duckdb' | 'bigquery', mean: 'avg' | 'ratio', rolled?: string): string {
  const [from, period, match, matchPosts] = d === 'duckdb' ? [D_FROM, D_PERIOD, D_MATCH, D_MATCH_POSTS] : [B_FROM, B_PERIOD, B_MATCH, B_MATCH_POSTS];
  const means = { duckdb: { avg: 'avg(eng)', ratio: 'CAST(sum(eng) AS DOUBLE) / count(*)' }, bigquery: { avg: 'AVG(eng)', ratio: 'SUM(eng) / COUNT(*)' } }[d][mean];
  return `WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  ${rolled ? 'FROM posts AS p' : from}
  WHERE ${period} AND ${rolled ? `${matchPosts} AND ${rolled}` : match}),
m AS (${rolled ? (d === 'duckdb' ? D_ROLLED_MEAN() : B_ROLLED_MEAN()) : `SELECT source, ${means} AS mean_eng FROM f GROUP BY source`})`;
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
 * The winners' cards are joined back to posts on created_at as well as post_id: DuckDB then
 * filters that scan by the winners' time range (row groups are in time order) instead of
 * reading every post of the period again (a year's view: 10M rows, most of the panel's time).
 */
function ranked(order: { duckdb: string; bigquery: string }, rolled?: { duckdb: string; bigquery: string }): DialectSql {
  return {
    duckdb: `
${viewPosts('duckdb', 'ratio', rolled?.duckdb)},
s AS (SELECT f.post_id, f.created_at, f.eng, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized FROM f JOIN m USING (source)),
r AS (
  SELECT post_id, created_at, eng, normalized,
         normalized / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(created_at), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM s ORDER BY ${order.duckdb}, post_id LIMIT $limit)
SELECT r.eng, r.normalized, r.velocity, p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       left(p.text, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       [x.label FOR x IN COALESCE(n.topics, [])] AS topics,
       [{'type': x.type, 'text': x.text} FOR x IN COALESCE(n.entities, [])] AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id AND p.created_at = r.created_at LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  AND n.created_at >= CAST($start AS TIMESTAMPTZ) AND n.created_at < CAST($end AS TIMESTAMPTZ)
WHERE ${D_PERIOD}
ORDER BY ${order.duckdb.replaceAll(/\b(velocity|normalized|eng)\b/g, 'r.$1')}, p.post_id`,
    bigquery: `
${viewPosts('bigquery', 'ratio', rolled?.bigquery)},
s AS (SELECT f.post_id, f.created_at, f.eng, IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) AS normalized FROM f JOIN m USING (source)),
r AS (
  SELECT post_id, created_at, eng, normalized,
         normalized / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), created_at, SECOND), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM s ORDER BY ${order.bigquery}, post_id LIMIT @limit)
SELECT r.eng, r.normalized, r.velocity, p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       SUBSTR(p.text, 1, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       ARRAY(SELECT x.label FROM UNNEST(n.topics) AS x) AS topics,
       ARRAY(SELECT AS STRUCT x.type, x.text FROM UNNEST(n.entities) AS x) AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id AND p.created_at = r.created_at LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  AND n.created_at >= TIMESTAMP(@start) AND n.created_at < TIMESTAMP(@end)
WHERE ${B_PERIOD}
ORDER BY ${order.bigquery.replaceAll(/\b(velocity|normalized|eng)\b/g, 'r.$1')}, p.post_id`,
  };
}

/** Rising now: engagement gained per hour between the last two observations (see rising). */
export const TRENDING = rising();

/**
 * Rising now through the rollups: ranks only the posts that can rank. A post observed in the
 * period (post_metrics) is ranked by its gain or found deleted: all of those are kept, and so
 * the mean gain is the raw query's. A post never observed there is ranked by the age-decayed
 * score, which no post of a day before $scanFrom can push above the bound RANK_BOUNDS gives
 * for those days (excluded_max): those posts are left out. The means come from rollup_daily.
 * The panel checks the k-th velocity found against that bound and, where it does not clear
 * it, runs the raw query instead (see loadDashboard), so the list is always the raw one.
 */
function risingCandidates(d: 'duckdb' | 'bigquery'): string {
  const t = tsParam(d);
  const [period, match] = periodAndMatch(d);
  return `WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  FROM posts AS p
  WHERE ${period} AND ${match} AND p.created_at >= ${t('scanFrom')}
  UNION ALL
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  FROM posts AS p
  WHERE ${period} AND ${match} AND p.created_at < ${t('scanFrom')}
    AND p.post_id IN (SELECT x.post_id FROM post_metrics AS x WHERE x.observed_at >= ${t('start')} AND x.observed_at < ${t('end')})),
m AS (${d === 'duckdb' ? D_ROLLED_MEAN() : B_ROLLED_MEAN()})`;
}
/** Top posts of the period: normalized engagement, age ignored. */
export const TOP_POSTS = ranked({ duckdb: 'normalized DESC, eng DESC', bigquery: 'normalized DESC, eng DESC' });

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

/** Per step and source: the last run (any outcome) and the last success; shared with `pulse status`. */
export const STATUS: DialectSql = STATUS_SQL.steps;

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

/** Whether the warehouse has the data-quality table, and the checks of the latest run that ran any: shared with `pulse status`. */
export const QUALITY_TABLE: DialectSql = STATUS_SQL.qualityTable;
export const QUALITY: DialectSql = STATUS_SQL.quality;

/** The posts-only variants (see postsOnly), used when the view has no topic or entity filter. */
export const POSTS_ONLY = {
  headline: postsOnly(HEADLINE),
  volume: postsOnly(VOLUME),
  trending: postsOnly(TRENDING),
  topPosts: postsOnly(TOP_POSTS),
  authors: postsOnly(AUTHORS),
  hashtags: postsOnly(HASHTAGS),
  links: postsOnly(LINKS),
  linksTopK: postsOnly(LINKS_TOPK),
};

/**
 * Rising now (issue 15): posts ranked by engagement gained per hour between their last two
 * observations (post_metrics: one at scrape time, one per refresh), normalized by source:
 *
 *   gain        G = (E at the last observation - E at the one before) / hours between them
 *   velocity    V = max(G, 0) / mean(max(G, 0) of the same source's posts in the view that have a G)
 *               (DuckDB sums the gains in post_id order, so that the mean does not depend on
 *               the order rows arrive in: the rollups' variant reads fewer posts, same gains)
 *               (0 when that mean is 0)
 *
 * A post observed once has no G yet: it falls back to the age-decayed score of ranked,
 * V = N / (age in hours + 2) ^ 1.8. A post whose last observation found it deleted is left
 * out. Each post also carries its count curve (`spark`: its last 48 observations, time in
 * epoch seconds and engagement), drawn as a sparkline. post_metrics is read only for the
 * period (observations of a post come after its creation), which BigQuery prunes by
 * partition, and only for the posts in the view.
 */
function rising(rolled = false): DialectSql {
  // Engagement of one observation (a post_metrics row `x`), summed as ENG sums a post's counts.
  const OBS_ENG = `(COALESCE(x.like_count, 0) + COALESCE(x.repost_count, 0) + COALESCE(x.reply_count, 0) + COALESCE(x.quote_count, 0) + COALESCE(x.score, 0))`;
  return {
    duckdb: `
${rolled ? risingCandidates('duckdb') : viewPosts('duckdb', 'ratio')},
o AS (
  SELECT x.post_id, x.observed_at, x.deleted, ${OBS_ENG} AS eng,
         row_number() OVER (PARTITION BY x.post_id ORDER BY x.observed_at DESC) AS k
  FROM post_metrics AS x
  WHERE x.observed_at >= CAST($start AS TIMESTAMPTZ) AND x.observed_at < CAST($end AS TIMESTAMPTZ)
    AND x.post_id IN (SELECT post_id FROM f)),
g AS (
  SELECT post_id, bool_or(k = 1 AND deleted) AS gone,
         (max(eng) FILTER (WHERE k = 1) - max(eng) FILTER (WHERE k = 2))
           / greatest((epoch(max(observed_at) FILTER (WHERE k = 1)) - epoch(max(observed_at) FILTER (WHERE k = 2))) / 3600.0, 1 / 60.0) AS gain
  FROM o WHERE k <= 2 GROUP BY post_id),
s AS (
  SELECT f.post_id, f.source, f.created_at, f.eng, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized, g.gain, COALESCE(g.gone, false) AS gone
  FROM f JOIN m USING (source) LEFT JOIN g USING (post_id)),
gm AS (SELECT source, list_sum(list(greatest(gain, 0) ORDER BY post_id)) / count(*) AS mean_gain FROM s WHERE gain IS NOT NULL AND NOT gone GROUP BY source),
r AS (
  SELECT s.post_id, s.created_at, s.eng, s.normalized, s.gain,
         CASE WHEN s.gain IS NOT NULL THEN COALESCE(greatest(s.gain, 0) / NULLIF(gm.mean_gain, 0), 0)
              ELSE s.normalized / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(s.created_at), 0) / 3600.0 + 2, 1.8) END AS velocity
  FROM s LEFT JOIN gm USING (source)
  WHERE NOT s.gone
  ORDER BY velocity DESC, s.post_id LIMIT $limit),
sp AS (
  SELECT o.post_id, list({'t': epoch(o.observed_at), 'e': o.eng} ORDER BY o.observed_at) AS spark
  FROM o JOIN r USING (post_id) WHERE o.k <= 48 AND NOT o.deleted GROUP BY o.post_id)
SELECT r.eng, r.normalized, r.velocity, r.gain, COALESCE(sp.spark, []) AS spark,
       p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       left(p.text, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       [x.label FOR x IN COALESCE(n.topics, [])] AS topics,
       [{'type': x.type, 'text': x.text} FOR x IN COALESCE(n.entities, [])] AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id AND p.created_at = r.created_at LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  AND n.created_at >= CAST($start AS TIMESTAMPTZ) AND n.created_at < CAST($end AS TIMESTAMPTZ)
  LEFT JOIN sp ON sp.post_id = r.post_id
WHERE ${D_PERIOD}
ORDER BY r.velocity DESC, p.post_id`,
    bigquery: `
${rolled ? risingCandidates('bigquery') : viewPosts('bigquery', 'ratio')},
o AS (
  SELECT x.post_id, x.observed_at, x.deleted, ${OBS_ENG} AS eng,
         ROW_NUMBER() OVER (PARTITION BY x.post_id ORDER BY x.observed_at DESC) AS k
  FROM post_metrics AS x
  WHERE x.observed_at >= TIMESTAMP(@start) AND x.observed_at < TIMESTAMP(@end)
    AND x.post_id IN (SELECT post_id FROM f)),
g AS (
  SELECT post_id, LOGICAL_OR(k = 1 AND deleted) AS gone,
         (MAX(IF(k = 1, eng, NULL)) - MAX(IF(k = 2, eng, NULL)))
           / GREATEST(TIMESTAMP_DIFF(MAX(IF(k = 1, observed_at, NULL)), MAX(IF(k = 2, observed_at, NULL)), SECOND) / 3600.0, 1 / 60.0) AS gain
  FROM o WHERE k <= 2 GROUP BY post_id),
s AS (
  SELECT f.post_id, f.source, f.created_at, f.eng, IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) AS normalized, g.gain, IFNULL(g.gone, FALSE) AS gone
  FROM f JOIN m USING (source) LEFT JOIN g USING (post_id)),
gm AS (SELECT source, AVG(GREATEST(gain, 0)) AS mean_gain FROM s WHERE gain IS NOT NULL AND NOT gone GROUP BY source),
r AS (
  SELECT s.post_id, s.created_at, s.eng, s.normalized, s.gain,
         IF(s.gain IS NOT NULL, IFNULL(SAFE_DIVIDE(GREATEST(s.gain, 0), gm.mean_gain), 0),
            s.normalized / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), s.created_at, SECOND), 0) / 3600.0 + 2, 1.8)) AS velocity
  FROM s LEFT JOIN gm USING (source)
  WHERE NOT s.gone
  ORDER BY velocity DESC, s.post_id LIMIT @limit),
sp AS (
  SELECT o.post_id, ARRAY_AGG(STRUCT(UNIX_SECONDS(o.observed_at) AS t, o.eng AS e) ORDER BY o.observed_at) AS spark
  FROM o JOIN r USING (post_id) WHERE o.k <= 48 AND NOT o.deleted GROUP BY o.post_id)
SELECT r.eng, r.normalized, r.velocity, r.gain, IFNULL(sp.spark, []) AS spark,
       p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       SUBSTR(p.text, 1, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       ARRAY(SELECT x.label FROM UNNEST(n.topics) AS x) AS topics,
       ARRAY(SELECT AS STRUCT x.type, x.text FROM UNNEST(n.entities) AS x) AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id AND p.created_at = r.created_at LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  AND n.created_at >= TIMESTAMP(@start) AND n.created_at < TIMESTAMP(@end)
  LEFT JOIN sp ON sp.post_id = r.post_id
WHERE ${B_PERIOD}
ORDER BY r.velocity DESC, p.post_id`,
  };
}

/**
 * Stories (tables stories and story_posts, computed after each load): those with at least two
 * posts in the view, ranked by the sum of their posts' velocities (see ranked), with their
 * normalized engagement, the networks they reached in the view, and their posts in the view
 * (the first 20, oldest first) to expand. A story's sums add its posts in post_id order in
 * DuckDB (list_sum), so that they do not depend on the order rows arrive in: the rollups'
 * variant reads fewer posts, same sums. The source means are sum / count (as ranked computes them).
 *
 * `rolled` (views the rollups answer): only the posts of stories that can show are read,
 * those in story_posts for the period whose story has at least two posts in all (stories.posts,
 * recounted from story_posts after each load: a story with two posts in the view has them),
 * and the source means come from rollup_daily, instead of scoring every post of the period.
 */
function storyCandidates(d: 'duckdb' | 'bigquery'): string {
  const t = tsParam(d);
  const [period, match] = periodAndMatch(d);
  return `WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  FROM posts AS p
  WHERE ${period} AND ${match}
    AND p.post_id IN (SELECT sp.post_id FROM story_posts AS sp JOIN stories AS s ON s.story_id = sp.story_id
                      WHERE sp.created_at >= ${t('start')} AND sp.created_at < ${t('end')} AND s.posts >= 2)),
m AS (${d === 'duckdb' ? D_ROLLED_MEAN() : B_ROLLED_MEAN()})`;
}
function storiesPanel(rolled = false): DialectSql {
  return {
    duckdb: `
${rolled ? storyCandidates('duckdb') : viewPosts('duckdb', 'ratio')},
v AS (
  SELECT f.post_id, f.source, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized,
         COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(f.created_at), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM f JOIN m USING (source)),
g AS (
  SELECT sp.story_id, count(*) AS posts, list_sort(list_distinct(list(v.source))) AS sources,
         list_sum(list(v.normalized ORDER BY v.post_id)) AS normalized, list_sum(list(v.velocity ORDER BY v.post_id)) AS velocity
  FROM v JOIN story_posts AS sp ON sp.post_id = v.post_id
   AND sp.created_at >= CAST($start AS TIMESTAMPTZ) AND sp.created_at < CAST($end AS TIMESTAMPTZ)
  GROUP BY sp.story_id HAVING count(*) >= 2
  ORDER BY velocity DESC, sp.story_id LIMIT $limit),
ps AS (
  SELECT sp.story_id,
         list({'post_id': p.post_id, 'source': p.source, 'url': p.url, 'author_handle': p.author_handle, 'created_at': p.created_at,
               'title': COALESCE(p.title, left(p.text, 200)), 'eng': ${ENG}} ORDER BY p.created_at, p.post_id)[1:20] AS items
  FROM g JOIN story_posts AS sp USING (story_id) JOIN posts AS p ON p.post_id = sp.post_id
  WHERE ${D_PERIOD} AND sp.created_at >= CAST($start AS TIMESTAMPTZ) AND sp.created_at < CAST($end AS TIMESTAMPTZ)
  GROUP BY sp.story_id)
SELECT g.story_id, g.posts, g.sources, g.normalized, g.velocity, s.canonical_url, s.title, s.first_seen, s.last_seen,
       s.posts AS total_posts, s.sources AS all_sources, ps.items
FROM g JOIN stories AS s USING (story_id) LEFT JOIN ps USING (story_id)
ORDER BY g.velocity DESC, g.story_id`,
    bigquery: `
${rolled ? storyCandidates('bigquery') : viewPosts('bigquery', 'ratio')},
v AS (
  SELECT f.post_id, f.source, IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) AS normalized,
         IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), f.created_at, SECOND), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM f JOIN m USING (source)),
g AS (
  SELECT sp.story_id, COUNT(*) AS posts, ARRAY_AGG(DISTINCT v.source ORDER BY v.source) AS sources, SUM(v.normalized) AS normalized, SUM(v.velocity) AS velocity
  FROM v JOIN story_posts AS sp ON sp.post_id = v.post_id
   AND sp.created_at >= TIMESTAMP(@start) AND sp.created_at < TIMESTAMP(@end)
  GROUP BY sp.story_id HAVING COUNT(*) >= 2
  ORDER BY velocity DESC, sp.story_id LIMIT @limit),
ps AS (
  SELECT sp.story_id,
         ARRAY_AGG(STRUCT(p.post_id, p.source, p.url, p.author_handle, p.created_at, COALESCE(p.title, SUBSTR(p.text, 1, 200)) AS title, ${ENG} AS eng)
                   ORDER BY p.created_at, p.post_id LIMIT 20) AS items
  FROM g JOIN story_posts AS sp USING (story_id) JOIN posts AS p ON p.post_id = sp.post_id
  WHERE ${B_PERIOD} AND sp.created_at >= TIMESTAMP(@start) AND sp.created_at < TIMESTAMP(@end)
  GROUP BY sp.story_id)
SELECT g.story_id, g.posts, g.sources, g.normalized, g.velocity, s.canonical_url, s.title, s.first_seen, s.last_seen,
       s.posts AS total_posts, s.sources AS all_sources, ps.items
FROM g JOIN stories AS s USING (story_id) LEFT JOIN ps USING (story_id)
ORDER BY g.velocity DESC, g.story_id`,
  };
}
export const STORIES = storiesPanel();
export const POSTS_ONLY_STORIES = postsOnly(STORIES);

/** Whether the warehouse has the stories tables (one loaded before they existed has none; the dashboard creates nothing). */
export const STORIES_TABLE: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'story_posts'`,
  bigquery: `SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES WHERE table_name = 'story_posts'`,
};

// ---- Rollups -------------------------------------------------------------------------------
// The same panels read from the daily rollups (libs/warehouse/src/rollups.ts) where they can
// answer exactly: chart buckets of a day, and no topic, entity or text filter (source and
// language are columns of every rollup). A view is the whole days it covers, read from the
// rollups, plus its partial days at either edge, computed from posts by the rollup's own
// SELECT: extra parameters cLo/cHi and pLo/pHi bound the whole days of the period and of the
// previous one (see rollupParams in panels.ts); an edge is empty when it starts at a midnight.

// A daily rollup with a monthly tier, for a panel that sums over the period (not a chart:
// `byDay`), reads the whole months within those whole days from the tier ([mLo, mHi): cmLo/cmHi and pmLo/pmHi, empty when no month fits) and the days around
// them from the daily table: a year is then 12 monthly rows per key and up to 60 daily ones.

const ROLLUP = Object.fromEntries(ROLLUPS.map((r) => [r.table.name, r])) as Record<string, RollupDef>;
const MONTHLY = Object.fromEntries(ROLLUPS.filter((r) => r.monthlyOf).map((r) => [r.monthlyOf!, r.table.name])) as Record<string, string>;
type Bound = 'start' | 'end' | 'prevStart' | 'cLo' | 'cHi' | 'pLo' | 'pHi' | 'cmLo' | 'cmHi' | 'pmLo' | 'pmHi';

/** The rows of a rollup over [lo, hi), whose whole days are [fLo, fHi) and whole months [mLo, mHi). */
function rollupRows(name: string, dialect: 'duckdb' | 'bigquery', [lo, fLo, mLo, mHi, fHi, hi]: Period, filtered = true, byDay = false): string {
  const r = ROLLUP[name]!;
  const t: (x: Bound) => string = tsParam(dialect);
  const cols = columnNames(r.table).join(', ');
  const edge = (a: Bound, b: Bound) =>
    r[dialect](`p.created_at >= ${t(a)} AND p.created_at < ${t(b)}`, `n.created_at >= ${t(a)} AND n.created_at < ${t(b)}`);
  const monthly = byDay ? undefined : MONTHLY[name];
  const days = monthly
    ? `SELECT ${cols} FROM ${name} WHERE day >= ${t(fLo)} AND day < ${t(mLo)}
    UNION ALL SELECT ${cols} FROM ${monthly} WHERE day >= ${t(mLo)} AND day < ${t(mHi)}
    UNION ALL SELECT ${cols} FROM ${name} WHERE day >= ${t(mHi)} AND day < ${t(fHi)}`
    : `SELECT ${cols} FROM ${name} WHERE day >= ${t(fLo)} AND day < ${t(fHi)}`;
  const rows = `
    ${days}
    UNION ALL SELECT ${cols} FROM (${edge(lo, fLo)}) AS e1
    UNION ALL SELECT ${cols} FROM (${edge(fHi, hi)}) AS e2`;
  if (!filtered) return rows;
  const s = dialect === 'duckdb' ? '$' : '@';
  return `SELECT * FROM (${rows}) AS r WHERE (${s}source = '' OR r.source = ${s}source) AND (${s}lang = '' OR r.lang = ${s}lang)`;
}
type Period = [Bound, Bound, Bound, Bound, Bound, Bound];
const CUR: Period = ['start', 'cLo', 'cmLo', 'cmHi', 'cHi', 'end'];
const PREV: Period = ['prevStart', 'pLo', 'pmLo', 'pmHi', 'pHi', 'start'];
/** Both periods, with is_current. */
const both = (name: string, d: 'duckdb' | 'bigquery') =>
  `SELECT TRUE AS is_current, c.* FROM (${rollupRows(name, d, CUR)}) AS c
  UNION ALL SELECT FALSE AS is_current, q.* FROM (${rollupRows(name, d, PREV)}) AS q`;

/** Whether this warehouse's rollups are complete (pulse_state, set by the build that made them). */
export const ROLLUPS_READY: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM pulse_state WHERE "key" = '${ROLLUPS_STATE_KEY}' AND "value" = '${ROLLUPS_VERSION}'`,
  bigquery: `SELECT COUNT(*) AS n FROM pulse_state WHERE \`key\` = '${ROLLUPS_STATE_KEY}' AND \`value\` = '${ROLLUPS_VERSION}'`,
};

/** The panels served by rollups: same columns, same numbers as their raw versions above. */
export const FROM_ROLLUPS = {
  headline: {
    duckdb: `
WITH d AS (${both('rollup_daily', 'duckdb')}),
a AS (${both('rollup_authors_daily', 'duckdb')}),
h AS (SELECT is_current, sum(posts) AS posts, count(DISTINCT source) AS sources, sum(engagement) AS engagement FROM d GROUP BY 1),
u AS (SELECT is_current, count(*) AS authors FROM (SELECT DISTINCT is_current, source, author_id FROM a) GROUP BY 1)
SELECT h.is_current, h.posts, COALESCE(u.authors, 0) AS authors, h.sources, h.engagement
FROM h LEFT JOIN u ON u.is_current = h.is_current`,
    bigquery: `
WITH d AS (${both('rollup_daily', 'bigquery')}),
a AS (${both('rollup_authors_daily', 'bigquery')}),
h AS (SELECT is_current, SUM(posts) AS posts, COUNT(DISTINCT source) AS sources, SUM(engagement) AS engagement FROM d GROUP BY 1),
u AS (SELECT is_current, COUNT(*) AS authors FROM (SELECT DISTINCT is_current, source, author_id FROM a) GROUP BY 1)
SELECT h.is_current, h.posts, IFNULL(u.authors, 0) AS authors, h.sources, h.engagement
FROM h LEFT JOIN u ON u.is_current = h.is_current`,
  },
  volume: {
    duckdb: `
SELECT CAST(epoch(day) AS BIGINT) AS bucket, source AS name, sum(posts) AS n
FROM (${rollupRows('rollup_daily', 'duckdb', CUR, true, true)}) AS r
GROUP BY 1, 2 ORDER BY 1, 2`,
    bigquery: `
SELECT UNIX_SECONDS(day) AS bucket, source AS name, SUM(posts) AS n
FROM (${rollupRows('rollup_daily', 'bigquery', CUR, true, true)}) AS r
GROUP BY 1, 2 ORDER BY 1, 2`,
  },
  sentiment: {
    duckdb: `
SELECT CAST(epoch(day) AS BIGINT) AS bucket, CASE WHEN sentiment = '' THEN 'not labelled' ELSE sentiment END AS name, sum(posts) AS n
FROM (${rollupRows('rollup_daily', 'duckdb', CUR, true, true)}) AS r
GROUP BY 1, 2 ORDER BY 1, 2`,
    bigquery: `
SELECT UNIX_SECONDS(day) AS bucket, IF(sentiment = '', 'not labelled', sentiment) AS name, SUM(posts) AS n
FROM (${rollupRows('rollup_daily', 'bigquery', CUR, true, true)}) AS r
GROUP BY 1, 2 ORDER BY 1, 2`,
  },
  topics: {
    duckdb: `
WITH t AS (SELECT CAST(epoch(day) AS BIGINT) AS bucket, topic AS name, posts FROM (${rollupRows('rollup_topics_daily', 'duckdb', CUR, true, true)}) AS r),
top AS (SELECT name FROM t GROUP BY name ORDER BY sum(posts) DESC, name LIMIT $limit)
SELECT t.bucket, t.name, sum(t.posts) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
    bigquery: `
WITH t AS (SELECT UNIX_SECONDS(day) AS bucket, topic AS name, posts FROM (${rollupRows('rollup_topics_daily', 'bigquery', CUR, true, true)}) AS r),
top AS (SELECT name FROM t GROUP BY name ORDER BY SUM(posts) DESC, name LIMIT @limit)
SELECT t.bucket, t.name, SUM(t.posts) AS n FROM t JOIN top USING (name) GROUP BY 1, 2 ORDER BY 1, 2`,
  },
  authors: {
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
  },
  hashtags: {
    duckdb: `
SELECT tag, sum(posts) AS posts, count(*) AS authors
FROM (SELECT tag, source, author_id, sum(posts) AS posts FROM (${rollupRows('rollup_hashtags_daily', 'duckdb', CUR)}) AS r GROUP BY 1, 2, 3) AS a
GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT $limit`,
    bigquery: `
SELECT tag, SUM(posts) AS posts, COUNT(*) AS authors
FROM (SELECT tag, source, author_id, SUM(posts) AS posts FROM (${rollupRows('rollup_hashtags_daily', 'bigquery', CUR)}) AS r GROUP BY 1, 2, 3) AS a
GROUP BY tag ORDER BY posts DESC, authors DESC, tag LIMIT @limit`,
  },
  entities: {
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
  },
  options: {
    duckdb: `
WITH r AS (${rollupRows('rollup_daily', 'duckdb', CUR, false)}),
v AS (SELECT 'source' AS kind, source AS value, posts FROM r UNION ALL SELECT 'lang', lang, posts FROM r WHERE lang <> '')
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY row_number() OVER (PARTITION BY kind ORDER BY sum(posts) DESC, value) <= $limit
ORDER BY kind, sum(posts) DESC, value`,
    bigquery: `
WITH r AS (${rollupRows('rollup_daily', 'bigquery', CUR, false)}),
v AS (SELECT 'source' AS kind, source AS value, posts FROM r UNION ALL SELECT 'lang', lang, posts FROM r WHERE lang <> '')
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY ROW_NUMBER() OVER (PARTITION BY kind ORDER BY SUM(posts) DESC, value) <= @limit
ORDER BY kind, SUM(posts) DESC, value`,
  },
} satisfies Record<string, DialectSql>;

// Trending and top posts rank posts, so they read posts; with the rollups they read only the
// posts that can rank. rollup_daily keeps each day's most engaging post's engagement: the
// day's best normalized engagement is then known, and so are bounds of its velocity (its age
// lies within the day). The k-th largest lower bound over the whole days is a velocity that k
// posts reach, so no post of a day whose upper bound is below it can rank: the scan starts at
// the first day that can (scanFrom, a day earlier for safety). Top posts (age ignored) keep
// only posts whose engagement reaches the k-th best day's normalized engagement times the
// smallest source mean (minEng). Both bounds only drop posts that cannot rank, so the lists
// equal the raw queries' (the test compares them).

/** The view's mean engagement per source, from the rollups (the raw panels take it from posts). */
function D_ROLLED_MEAN(): string {
  return `SELECT source, CAST(sum(engagement) AS DOUBLE) / sum(posts) AS mean_eng FROM (${rollupRows('rollup_daily', 'duckdb', CUR)}) AS r GROUP BY source`;
}
function B_ROLLED_MEAN(): string {
  return `SELECT source, SUM(engagement) / SUM(posts) AS mean_eng FROM (${rollupRows('rollup_daily', 'bigquery', CUR)}) AS r GROUP BY source`;
}

/** scan_from, the k-th lower bounds (trending_threshold, top_threshold) and the smallest source mean, for rankedBounds in panels.ts. */
export const RANK_BOUNDS: DialectSql = {
  duckdb: `
WITH m AS (${D_ROLLED_MEAN()}),
g AS (
  SELECT day, source, max(max_engagement) AS mx FROM rollup_daily AS r
  WHERE day > CAST($start AS TIMESTAMPTZ) - INTERVAL 1 DAY AND day < CAST($end AS TIMESTAMPTZ)
    AND ($source = '' OR r.source = $source) AND ($lang = '' OR r.lang = $lang)
  GROUP BY 1, 2),
v AS (
  SELECT day, day >= CAST($cLo AS TIMESTAMPTZ) AND day < CAST($cHi AS TIMESTAMPTZ) AS whole, n,
         n / pow((epoch(CAST($end AS TIMESTAMPTZ)) - epoch(day)) / 3600.0 + 2, 1.8) AS v_lo,
         n / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(day) - 86400, 0) / 3600.0 + 2, 1.8) AS v_hi
  FROM (SELECT g.day, COALESCE(g.mx / NULLIF(m.mean_eng, 0), 0) AS n FROM g JOIN m USING (source))),
tv AS (SELECT v_lo AS t FROM v WHERE whole ORDER BY v_lo DESC LIMIT 1 OFFSET $trendingSkip),
tn AS (SELECT n AS t FROM v WHERE whole ORDER BY n DESC LIMIT 1 OFFSET $topSkip)
SELECT (SELECT min(day) FROM v WHERE v_hi >= (SELECT t FROM tv)) AS scan_from,
       (SELECT t FROM tv) AS trending_threshold, (SELECT t FROM tn) AS top_threshold, (SELECT min(mean_eng) FROM m) AS min_mean,
       (SELECT max(v_hi) FROM v WHERE day < (SELECT min(day) FROM v WHERE v_hi >= (SELECT t FROM tv)) - INTERVAL 1 DAY) AS excluded_max`,
  bigquery: `
WITH m AS (${B_ROLLED_MEAN()}),
g AS (
  SELECT day, source, MAX(max_engagement) AS mx FROM rollup_daily AS r
  WHERE day > TIMESTAMP_SUB(TIMESTAMP(@start), INTERVAL 1 DAY) AND day < TIMESTAMP(@end)
    AND (@source = '' OR r.source = @source) AND (@lang = '' OR r.lang = @lang)
  GROUP BY 1, 2),
v AS (
  SELECT day, day >= TIMESTAMP(@cLo) AND day < TIMESTAMP(@cHi) AS whole, n,
         n / POW(TIMESTAMP_DIFF(TIMESTAMP(@end), day, SECOND) / 3600.0 + 2, 1.8) AS v_lo,
         n / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), day, SECOND) - 86400, 0) / 3600.0 + 2, 1.8) AS v_hi
  FROM (SELECT g.day, IFNULL(SAFE_DIVIDE(g.mx, m.mean_eng), 0) AS n FROM g JOIN m USING (source))),
tv AS (SELECT v_lo AS t FROM v WHERE whole ORDER BY v_lo DESC LIMIT 1 OFFSET @trendingSkip),
tn AS (SELECT n AS t FROM v WHERE whole ORDER BY n DESC LIMIT 1 OFFSET @topSkip)
SELECT (SELECT MIN(day) FROM v WHERE v_hi >= (SELECT t FROM tv)) AS scan_from,
       (SELECT t FROM tv) AS trending_threshold, (SELECT t FROM tn) AS top_threshold, (SELECT MIN(mean_eng) FROM m) AS min_mean,
       (SELECT MAX(v_hi) FROM v WHERE day < TIMESTAMP_SUB((SELECT MIN(day) FROM v WHERE v_hi >= (SELECT t FROM tv)), INTERVAL 1 DAY)) AS excluded_max`,
};

/** Rising now and top posts over the posts that can rank (see RANK_BOUNDS and risingCandidates). */
export const RANKED_FROM_ROLLUPS = {
  trending: rising(true),
  topPosts: ranked(
    { duckdb: 'normalized DESC, eng DESC', bigquery: 'normalized DESC, eng DESC' },
    { duckdb: `${ENG} >= $minEng`, bigquery: `${ENG} >= @minEng` },
  ),
};

/** Stories through the rollups (see storiesPanel): the same rows as POSTS_ONLY_STORIES. */
export const STORIES_FROM_ROLLUPS = storiesPanel(true);

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
