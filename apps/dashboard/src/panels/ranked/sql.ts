/** The statements of Rising now (trending) and Top posts: both rank posts, and share the bounds that let them read fewer through the rollups. */
import { DUCKDB_GAIN, gainMayDiffer, gainMicros, OBS_ENG, UTC_DAY, type DialectSql } from '@social-pulse/warehouse';
import { B_PERIOD, B_ROLLED_MEAN, CUR, D_ROLLED_MEAN, ENG, periodAndMatch, rollupRows, tsParam, viewPosts } from '../../sql.ts';

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
 * The winners' cards are read back from posts and post_nlp by post_id alone in DuckDB: the
 * join's few ids become an IN filter that the primary key's index answers (an index scan), so
 * neither table is read again for the period. Any other condition on those tables turns the
 * index scan back into a scan: joined on created_at as well, DuckDB read the winners' time range
 * (15 cards over a few days at 10M posts: 17 ms against 3.4), and with the period's filter
 * every post of it (a year: 1.5 s). The winners lie within the period already. In BigQuery they
 * are joined on created_at and filtered by the period as well, which prunes its partitions.
 */
function ranked(order: { duckdb: string; bigquery: string }, head?: DialectSql): DialectSql {
  return {
    duckdb: `
${head?.duckdb ?? viewPosts('duckdb', 'ratio')},
s AS (SELECT f.post_id, f.created_at, f.eng, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized FROM f JOIN m USING (source)),
r AS (
  SELECT post_id, created_at, eng, normalized,
         normalized / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(created_at), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM s ORDER BY ${order.duckdb}, post_id LIMIT $limit)
SELECT r.eng, r.normalized, r.velocity, p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       left(p.text, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       [x.label FOR x IN COALESCE(n.topics, [])] AS topics,
       [{'type': x.type, 'text': x.text} FOR x IN COALESCE(n.entities, [])] AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
ORDER BY ${order.duckdb.replaceAll(/\b(velocity|normalized|eng)\b/g, 'r.$1')}, p.post_id`,
    bigquery: `
${head?.bigquery ?? viewPosts('bigquery', 'ratio')},
s AS (SELECT f.post_id, f.created_at, f.eng, IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) AS normalized FROM f JOIN m USING (source)),
r AS (
  SELECT post_id, created_at, eng, normalized,
         normalized / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), created_at, SECOND), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM s ORDER BY ${order.bigquery}, post_id LIMIT @limit)
SELECT r.eng, r.normalized, r.velocity, p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       SUBSTR(p.text, 1, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       ARRAY(SELECT x.label FROM UNNEST(n.topics) AS x) AS topics,
       ARRAY(SELECT AS STRUCT x.type, x.text FROM UNNEST(n.entities) AS x) AS entities, n.sentiment
FROM r JOIN posts AS p ON p.post_id = r.post_id AND p.created_at = r.created_at LEFT JOIN post_nlp AS n ON n.post_id = r.post_id AND n.created_at = r.created_at
  AND n.created_at >= TIMESTAMP(@start) AND n.created_at < TIMESTAMP(@end)
WHERE ${B_PERIOD}
ORDER BY ${order.bigquery.replaceAll(/\b(velocity|normalized|eng)\b/g, 'r.$1')}, p.post_id`,
  };
}

/**
 * The mean gain per source of the posts `s` that have one (not gone), in DuckDB: the gains above
 * zero summed in millionths (gainMicros), an exact integer sum, the same in whatever order the
 * rows come and whether summed per post or per day (rollup_gains_daily), so that TRENDING and its
 * rollups variant give the same float.
 */
const D_MEAN_GAIN = `SELECT source, CAST(sum(${gainMicros('gain')}) AS DOUBLE) / 1000000 / count(*) AS mean_gain FROM s WHERE gain IS NOT NULL AND NOT gone GROUP BY source`;

/**
 * The period's observations of the posts `among` selects (DuckDB), numbered k = 1 (the latest),
 * 2, … per post, with each one's engagement: what Rising now's gains and sparklines read. With
 * `spanned`, `among` holds each post once with its first and last observation of all time
 * (first_at, last_at; null for a post never observed), and only those are read: a join whose
 * bounds DuckDB pushes into the scan, which then skips the row groups outside the posts' spans
 * (post_metrics is loaded in observed_at order) instead of reading the whole period's.
 */
const numberedObservations = (among: string, spanned = false) => `SELECT x.post_id, x.observed_at, x.deleted, ${OBS_ENG} AS eng,
         row_number() OVER (PARTITION BY x.post_id ORDER BY x.observed_at DESC) AS k
  FROM post_metrics AS x${spanned ? ` JOIN ${among} AS a ON a.post_id = x.post_id AND x.observed_at >= a.first_at AND x.observed_at <= a.last_at` : ''}
  WHERE x.observed_at >= CAST($start AS TIMESTAMPTZ) AND x.observed_at < CAST($end AS TIMESTAMPTZ)${spanned ? '' : `
    AND x.post_id IN (SELECT post_id FROM ${among})`}`;

/** Each post's gain over its last two observations and whether the last found it gone, from numbered observations `from`. */
const gainsOf = (from: string) => `SELECT post_id, bool_or(k = 1 AND deleted) AS gone, ${DUCKDB_GAIN} AS gain
  FROM ${from} WHERE k <= 2 GROUP BY post_id`;

/** Rising now: engagement gained per hour between the last two observations (see rising). */
export const TRENDING = rising();

/**
 * Rising now through the rollups: ranks only the posts that can rank. A post observed in the
 * period (post_metrics) is ranked by its gain or found deleted: all of those are kept, and so
 * the mean gain is the raw query's. A post never observed there is ranked by the age-decayed
 * score, which no post of a day before $scanFrom can push above the bound RANK_BOUNDS gives
 * for those days (excluded_max): those posts are left out. The means come from rollup_daily.
 * The panel checks the k-th velocity found against that bound and, where it does not clear
 * it, runs the raw query instead (see trending in index.ts), so the list is always the raw one.
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

/**
 * Rising now (issue 15): posts ranked by engagement gained per hour between their last two
 * observations (post_metrics: one at scrape time, one per refresh), normalized by source:
 *
 *   gain        G = (E at the last observation - E at the one before) / hours between them
 *   velocity    V = max(G, 0) / mean(max(G, 0) of the same source's posts in the view that have a G)
 *               (DuckDB sums the gains in millionths, as integers, so that the mean does
 *               not depend on the order rows arrive in: the rollups' variant sums them per day;
 *               see D_MEAN_GAIN)
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
  return {
    duckdb: `
${rolled ? risingCandidates('duckdb') : viewPosts('duckdb', 'ratio')},
o AS (${numberedObservations('f')}),
g AS (${gainsOf('o')}),
s AS (
  SELECT f.post_id, f.source, f.created_at, f.eng, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized, g.gain, COALESCE(g.gone, false) AS gone
  FROM f JOIN m USING (source) LEFT JOIN g USING (post_id)),
gm AS (${D_MEAN_GAIN}),
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
FROM r JOIN posts AS p ON p.post_id = r.post_id LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  LEFT JOIN sp ON sp.post_id = r.post_id
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
FROM r JOIN posts AS p ON p.post_id = r.post_id AND p.created_at = r.created_at LEFT JOIN post_nlp AS n ON n.post_id = r.post_id AND n.created_at = r.created_at
  AND n.created_at >= TIMESTAMP(@start) AND n.created_at < TIMESTAMP(@end)
  LEFT JOIN sp ON sp.post_id = r.post_id
WHERE ${B_PERIOD}
ORDER BY r.velocity DESC, p.post_id`,
  };
}

/**
 * Top posts through the rollups: the candidates are the view's whole days' rows of
 * rollup_top_posts_daily (each day, source and language's most engaging posts: the panel's
 * first TOP_POSTS_PER_DAY are among them, see libs/warehouse/src/rollups.ts) and the partial
 * edge days' (the same SELECT over posts); the means come from rollup_daily. A year's view
 * ranks about 15,000 rows instead of scanning its 10M posts' engagement.
 */
const topCandidates = (d: 'duckdb' | 'bigquery') => `WITH f AS (SELECT r.post_id, r.source, r.created_at, r.eng FROM (${rollupRows('rollup_top_posts_daily', d, CUR)}) AS r),
m AS (${d === 'duckdb' ? D_ROLLED_MEAN() : B_ROLLED_MEAN()})`;

/**
 * Rising now through the rollups in DuckDB: the same rows as TRENDING, without reading the
 * period's observations. A post's gain and whether it is gone come from rollup_post_gains (its
 * last two observations, kept by the load), which equal the raw query's when all of its
 * observations lie within the period; for the few whose observations reach outside it (a view
 * ending in the past, while the post was still being refreshed) they are computed from the
 * period's observations of those posts alone, as the raw query does. Ranked: every post with a
 * gain (they make the mean gain) and the posts from $scanFrom on (see risingCandidates: a post
 * before it without a gain ranks by its age-decayed score, which RANK_BOUNDS bounds); the cards'
 * engagement and normalized engagement are read for the winners only. A 30-day view at 10M posts
 * and 20M observations read 1.6M observations into a window per page before (docs/BENCHMARKS.md).
 *
 * The view's whole days come from rollup_gains_daily (the mean) and rollup_top_gains_daily (the
 * candidates with a gain), except the "dirty" ones, where a post with a gain or found deleted
 * was observed outside the view (the daily span of its observations says so): those, and the
 * partial edge days, read each post's row, each range a scan of its own (DuckDB prunes a range
 * by the row groups' zone maps, not a disjunction of ranges). The candidates (gx) come from
 * disjoint sets, so no row is read twice: those rows; the other whole days' top lists before
 * $scanFrom; and those days' rows from $scanFrom on. The sparklines read post_metrics only
 * within the winners' first and last observations.
 */
function risingFromGains(): string {
  const [period, match] = periodAndMatch('duckdb');
  const t = tsParam('duckdb');
  const filters = (a: string) => `($source = '' OR ${a}.source = $source) AND ($lang = '' OR ${a}.lang = $lang)`;
  const whole = (c: string) => `${c} >= ${t('cLo')} AND ${c} < ${t('cHi')}`;
  // A row that may differ from the view's: one that can (gainMayDiffer), observed outside it.
  const cut = `${gainMayDiffer('g')} AND (g.first_at < ${t('start')} OR g.last_at >= ${t('end')})`;
  const day = UTC_DAY.duckdb('g.created_at');
  const rows = (where: string) => `SELECT g.post_id, g.source, g.created_at, g.gain, g.gone, g.first_at, g.last_at, ${cut} AS cut
  FROM rollup_post_gains AS g WHERE g.created_at >= ${t('start')} AND g.created_at < ${t('end')} AND ${filters('g')} AND ${where}`;
  return `
WITH dirty AS MATERIALIZED (
  SELECT DISTINCT d.day FROM rollup_gains_daily AS d
  WHERE ${whole('d.day')} AND (d.first_at < ${t('start')} OR d.last_at >= ${t('end')}) AND ${filters('d')}),
gv AS MATERIALIZED (
  ${rows(`g.created_at < ${t('cLo')}`)}
  UNION ALL ${rows(`g.created_at >= ${t('cHi')}`)}
  UNION ALL ${rows(`g.created_at >= COALESCE((SELECT min(day) FROM dirty), 'infinity') AND g.created_at < (SELECT max(day) FROM dirty) + INTERVAL 1 DAY AND ${day} IN (SELECT day FROM dirty)`)}),
cg AS (${gainsOf(`(${numberedObservations('(SELECT post_id, first_at, last_at FROM gv WHERE cut)', true)}) AS y`)}),
dx AS MATERIALIZED (
  SELECT post_id, source, created_at, gain, gone, first_at, last_at FROM gv WHERE NOT cut
  UNION ALL SELECT gv.post_id, gv.source, gv.created_at, cg.gain, COALESCE(cg.gone, false), gv.first_at, gv.last_at FROM gv LEFT JOIN cg USING (post_id) WHERE gv.cut),
gx AS MATERIALIZED (
  SELECT * FROM dx
  UNION ALL SELECT d.post_id, d.source, d.created_at, d.gain, false, d.first_at, d.last_at FROM rollup_top_gains_daily AS d
    WHERE ${whole('d.day')} AND d.day NOT IN (SELECT day FROM dirty) AND d.created_at < ${t('scanFrom')} AND ${filters('d')}
  UNION ALL SELECT g.post_id, g.source, g.created_at, g.gain, g.gone, g.first_at, g.last_at FROM rollup_post_gains AS g
    WHERE g.created_at >= ${t('scanFrom')} AND ${whole('g.created_at')} AND ${day} NOT IN (SELECT day FROM dirty) AND ${filters('g')}),
f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  FROM posts AS p
  WHERE ${period} AND ${match} AND p.created_at >= ${t('scanFrom')}),
m AS (${D_ROLLED_MEAN()}),
s AS (
  SELECT f.post_id, f.source, f.created_at, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized, gx.gain, COALESCE(gx.gone, false) AS gone, gx.first_at, gx.last_at
  FROM f JOIN m USING (source) LEFT JOIN gx USING (post_id)
  UNION ALL
  SELECT gx.post_id, gx.source, gx.created_at, NULL, gx.gain, gx.gone, gx.first_at, gx.last_at
  FROM gx JOIN m USING (source) WHERE gx.created_at < ${t('scanFrom')} AND gx.gain IS NOT NULL),
gm AS (
  SELECT source, CAST(sum(micros) AS DOUBLE) / 1000000 / sum(n) AS mean_gain FROM (
    SELECT d.source, d.gain_micros AS micros, d.gains AS n FROM rollup_gains_daily AS d
    WHERE ${whole('d.day')} AND d.day NOT IN (SELECT day FROM dirty) AND d.gains > 0 AND ${filters('d')}
    UNION ALL SELECT source, ${gainMicros('gain')}, 1 FROM dx WHERE gain IS NOT NULL AND NOT gone) AS z
  GROUP BY source),
r AS (
  SELECT s.post_id, s.source, s.created_at, s.gain, s.first_at, s.last_at,
         CASE WHEN s.gain IS NOT NULL THEN COALESCE(greatest(s.gain, 0) / NULLIF(gm.mean_gain, 0), 0)
              ELSE s.normalized / pow(greatest(epoch(${t('end')}) - epoch(s.created_at), 0) / 3600.0 + 2, 1.8) END AS velocity
  FROM s LEFT JOIN gm USING (source)
  WHERE NOT s.gone
  ORDER BY velocity DESC, s.post_id LIMIT $limit),
sp AS (
  SELECT post_id, list({'t': epoch(observed_at), 'e': eng} ORDER BY observed_at) AS spark
  FROM (${numberedObservations('r', true)}) AS y WHERE k <= 48 AND NOT deleted GROUP BY post_id)
SELECT ${ENG} AS eng, COALESCE(${ENG} / NULLIF(m.mean_eng, 0), 0) AS normalized, r.velocity, r.gain, COALESCE(sp.spark, []) AS spark,
       p.post_id, p.source, p.url, p.author_handle, p.author_name, p.created_at, p.title,
       left(p.text, 1000) AS text, p.like_count, p.repost_count, p.reply_count, p.quote_count, p.score, p.hashtags,
       [x.label FOR x IN COALESCE(n.topics, [])] AS topics,
       [{'type': x.type, 'text': x.text} FOR x IN COALESCE(n.entities, [])] AS entities, n.sentiment
FROM r JOIN m ON m.source = r.source JOIN posts AS p ON p.post_id = r.post_id
  LEFT JOIN post_nlp AS n ON n.post_id = r.post_id
  LEFT JOIN sp ON sp.post_id = r.post_id
ORDER BY r.velocity DESC, p.post_id`;
}

/** Rising now over the posts that can rank (see RANK_BOUNDS and risingCandidates; in DuckDB risingFromGains), top posts over the days' best posts. */
export const RANKED_FROM_ROLLUPS = {
  trending: { duckdb: risingFromGains(), bigquery: rising(true).bigquery },
  topPosts: ranked({ duckdb: 'normalized DESC, eng DESC', bigquery: 'normalized DESC, eng DESC' }, { duckdb: topCandidates('duckdb'), bigquery: topCandidates('bigquery') }),
};
