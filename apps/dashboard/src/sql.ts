/**
 * What the dashboard's panels share in SQL, written once per dialect, side by side: DuckDB
 * (`$name` parameters) and BigQuery (`@name`). Each panel's own statements are in its folder
 * (panels/<name>/index.ts); here are the fragments they are composed of, the rollup readers,
 * and the statements several panels use (ROLLUPS_READY, RANK_BOUNDS, the table checks).
 * Values from the user only ever travel as bound parameters; the only pieces composed are
 * constant fragments.
 *
 * Parameters shared by the panels (see filters.ts): start, end, prevStart (ISO instants;
 * the period is [start, end) and the previous one [prevStart, start)), bucket (seconds),
 * source, topic, entity, lang, q ('' = no filter), limit.
 */
import { columnNames } from '@social-pulse/schema';
import { ROLLUPS, ROLLUPS_STATE_KEY, ROLLUPS_VERSION, STATUS_SQL, UTC_DAY, type DialectSql, type RollupDef } from '@social-pulse/warehouse';
import { DAY_MS } from './filters.ts';

/**
 * Engagement of a post: every count the source reports, summed (a missing count is 0).
 * Sources count different things (Mastodon boosts, HN points), so panels that rank across
 * sources divide it by the source's mean in the view (see panels/ranked).
 */
export const ENG = `(COALESCE(p.like_count, 0) + COALESCE(p.repost_count, 0) + COALESCE(p.reply_count, 0) + COALESCE(p.quote_count, 0) + COALESCE(p.score, 0))`;

export const D_PERIOD = `p.created_at >= CAST($start AS TIMESTAMPTZ) AND p.created_at < CAST($end AS TIMESTAMPTZ)`;
export const B_PERIOD = `p.created_at >= TIMESTAMP(@start) AND p.created_at < TIMESTAMP(@end)`;
export const D_TWO_PERIODS = `p.created_at >= CAST($prevStart AS TIMESTAMPTZ) AND p.created_at < CAST($end AS TIMESTAMPTZ)`;
export const B_TWO_PERIODS = `p.created_at >= TIMESTAMP(@prevStart) AND p.created_at < TIMESTAMP(@end)`;

/** The filters every panel applies ('' switches one off). */
export const D_MATCH = `($source = '' OR p.source = $source)
    AND ($lang = '' OR p.lang = $lang)
    AND ($topic = '' OR list_contains([x.label FOR x IN p.topics], $topic))
    AND ($entity = '' OR list_contains([lower(x.text) FOR x IN p.entities], lower($entity)))
    AND ($q = '' OR contains(lower(COALESCE(p.title, '') || ' ' || p.text), lower($q)))`;
export const B_MATCH = `(@source = '' OR p.source = @source)
    AND (@lang = '' OR p.lang = @lang)
    AND (@topic = '' OR EXISTS (SELECT 1 FROM UNNEST(p.topics) AS x WHERE x.label = @topic))
    AND (@entity = '' OR EXISTS (SELECT 1 FROM UNNEST(p.entities) AS x WHERE LOWER(x.text) = LOWER(@entity)))
    AND (@q = '' OR STRPOS(LOWER(CONCAT(IFNULL(p.title, ''), ' ', p.text)), LOWER(@q)) > 0)`;

/** The same filters without topic and entity: for views that do not filter on NLP labels. */
export const D_MATCH_POSTS = `($source = '' OR p.source = $source)
    AND ($lang = '' OR p.lang = $lang)
    AND ($q = '' OR contains(lower(COALESCE(p.title, '') || ' ' || p.text), lower($q)))`;
export const B_MATCH_POSTS = `(@source = '' OR p.source = @source)
    AND (@lang = '' OR p.lang = @lang)
    AND (@q = '' OR STRPOS(LOWER(CONCAT(IFNULL(p.title, ''), ' ', p.text)), LOWER(@q)) > 0)`;

/** A timestamp parameter `x` in `d`'s syntax: `CAST($x AS TIMESTAMPTZ)` in DuckDB, `TIMESTAMP(@x)` in BigQuery. */
export const tsParam = (d: 'duckdb' | 'bigquery') => (x: string): string => (d === 'duckdb' ? `CAST($${x} AS TIMESTAMPTZ)` : `TIMESTAMP(@${x})`);
/** The view's period and its filters on posts `p` (no NLP labels), in `d`'s syntax. */
export const periodAndMatch = (d: 'duckdb' | 'bigquery'): [period: string, match: string] => (d === 'duckdb' ? [D_PERIOD, D_MATCH_POSTS] : [B_PERIOD, B_MATCH_POSTS]);

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
export const D_FROM = `FROM ${D_LABELLED('$start')} AS p`;
export const B_FROM = `FROM ${B_LABELLED('@start')} AS p`;
export const D_FROM_TWO = `FROM ${D_LABELLED('$prevStart')} AS p`;
export const B_FROM_TWO = `FROM ${B_LABELLED('@prevStart')} AS p`;

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
 * or `ratio`: sum / count as ranked() in panels/ranked/sql.ts has always computed it).
 */
export function viewPosts(d: 'duckdb' | 'bigquery', mean: 'avg' | 'ratio'): string {
  const [from, period, match] = d === 'duckdb' ? [D_FROM, D_PERIOD, D_MATCH] : [B_FROM, B_PERIOD, B_MATCH];
  const means = { duckdb: { avg: 'avg(eng)', ratio: 'CAST(sum(eng) AS DOUBLE) / count(*)' }, bigquery: { avg: 'AVG(eng)', ratio: 'SUM(eng) / COUNT(*)' } }[d][mean];
  return `WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  ${from}
  WHERE ${period} AND ${match}),
m AS (SELECT source, ${means} AS mean_eng FROM f GROUP BY source)`;
}

export const D_BUCKET = `CAST(floor(epoch(p.created_at) / $bucket) * $bucket AS BIGINT)`;
export const B_BUCKET = `DIV(UNIX_SECONDS(p.created_at), @bucket) * @bucket`;

/** Whether the warehouse has the data-quality table (the quality panel reads its checks only then): shared with `pulse status`. */
export const QUALITY_TABLE: DialectSql = STATUS_SQL.qualityTable;

/** Whether the warehouse has the stories tables (one loaded before they existed has none; the dashboard creates nothing). */
export const STORIES_TABLE: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'story_posts'`,
  bigquery: `SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES WHERE table_name = 'story_posts'`,
};

// ---- Rollups -------------------------------------------------------------------------------
// The same panels read from the daily rollups (libs/warehouse/src/rollups.ts) where they can
// answer exactly: chart buckets of a day, and no topic, entity or text filter (source and
// language are columns of every rollup). A view is the whole days it covers, read from the
// rollups, plus its partial days at either edge: their whole hours from the hourly tiers, the
// rest (under an hour at each end) computed from posts by the rollup's own SELECT. Extra
// parameters cLo/cHi and pLo/pHi bound the whole days of the period and of the previous one,
// ch1Lo… the whole hours of their edges (see rollupParams in panels.ts); an edge is empty when
// it starts at a midnight.

// A daily rollup with a monthly tier, for a panel that sums over the period (not a chart:
// `byDay`), reads the whole months within those whole days from the tier ([mLo, mHi): cmLo/cmHi and pmLo/pmHi, empty when no month fits) and the days around
// them from the daily table: a year is then 12 monthly rows per key and up to 60 daily ones.

const ROLLUP = Object.fromEntries(ROLLUPS.map((r) => [r.table.name, r])) as Record<string, RollupDef>;
const MONTHLY = Object.fromEntries(ROLLUPS.filter((r) => r.monthlyOf).map((r) => [r.monthlyOf!, r.table.name])) as Record<string, string>;
const HOURLY = Object.fromEntries(ROLLUPS.filter((r) => r.hourlyOf).map((r) => [r.hourlyOf!, r.table.name])) as Record<string, string>;
export type Bound =
  | 'start' | 'end' | 'prevStart' | 'cLo' | 'cHi' | 'pLo' | 'pHi' | 'cmLo' | 'cmHi' | 'pmLo' | 'pmHi'
  | 'ch1Lo' | 'ch1Hi' | 'ph1Lo' | 'ph1Hi' | 'ph2Lo' | 'ph2Hi';

/**
 * The rows of a daily rollup for the partial days at the edges of [lo, hi) (whole days [fLo, fHi)).
 * With an hourly tier (five of the seven have one: libs/schema/src/rollups.ts says which), an
 * edge [a, b) with hour bounds in the period is its whole hours [ha, hb) read from the tier, each
 * row's `day` put back to its day, and the rest of it (under an hour at each end) computed from
 * posts by the rollup's own SELECT, bounded by [a, b) so that a scan prunes as before; otherwise
 * the whole edge from posts. rollupParams gives the hour bounds: an edge without a whole hour has
 * ha = hb.
 */
export function rollupEdges(name: string, dialect: 'duckdb' | 'bigquery', [lo, fLo, , , fHi, hi, h1Lo, h1Hi, h2Lo, h2Hi]: Period): string {
  const r = ROLLUP[name]!;
  const t: (x: Bound) => string = tsParam(dialect);
  const names = columnNames(r.table);
  const cols = names.join(', ');
  const hourly = HOURLY[name];
  const within = (c: string, a: Bound, b: Bound) => `${c} >= ${t(a)} AND ${c} < ${t(b)}`;
  const outside = (c: string, a: Bound, b: Bound, h?: [Bound, Bound]) => `${within(c, a, b)}${h ? ` AND NOT (${within(c, h[0], h[1])})` : ''}`;
  const posts = (a: Bound, b: Bound, h: [Bound, Bound] | undefined, as: string) =>
    `SELECT ${cols} FROM (${r[dialect](outside('p.created_at', a, b, h), outside('n.created_at', a, b, h))}) AS ${as}`;
  const hours = (a: Bound, b: Bound) =>
    `SELECT ${names.map((c) => (c === 'day' ? `${UTC_DAY[dialect]('h.day')} AS day` : `h.${c}`)).join(', ')} FROM ${hourly} AS h WHERE ${within('h.day', a, b)}`;
  const edge = (a: Bound, b: Bound, h: [Bound, Bound] | undefined, as: string) =>
    hourly && h ? `${posts(a, b, h, as)}
    UNION ALL ${hours(h[0], h[1])}` : posts(a, b, undefined, as);
  return `${edge(lo, fLo, h1Lo && h1Hi ? [h1Lo, h1Hi] : undefined, 'e1')}
    UNION ALL ${edge(fHi, hi, h2Lo && h2Hi ? [h2Lo, h2Hi] : undefined, 'e2')}`;
}

/** The rows of a rollup for the whole days [fLo, fHi) of a period, whole months [mLo, mHi) from its monthly tier (unless `byDay`). */
export function rollupDays(name: string, dialect: 'duckdb' | 'bigquery', [, fLo, mLo, mHi, fHi]: Period, byDay = false): string {
  const r = ROLLUP[name]!;
  const t: (x: Bound) => string = tsParam(dialect);
  const cols = columnNames(r.table).join(', ');
  const monthly = byDay ? undefined : MONTHLY[name];
  return monthly
    ? `SELECT ${cols} FROM ${name} WHERE day >= ${t(fLo)} AND day < ${t(mLo)}
    UNION ALL SELECT ${cols} FROM ${monthly} WHERE day >= ${t(mLo)} AND day < ${t(mHi)}
    UNION ALL SELECT ${cols} FROM ${name} WHERE day >= ${t(mHi)} AND day < ${t(fHi)}`
    : `SELECT ${cols} FROM ${name} WHERE day >= ${t(fLo)} AND day < ${t(fHi)}`;
}

/** The view's source and language filters on rollup rows `a`. */
export const rollupMatch = (dialect: 'duckdb' | 'bigquery', a: string): string => {
  const s = dialect === 'duckdb' ? '$' : '@';
  return `(${s}source = '' OR ${a}.source = ${s}source) AND (${s}lang = '' OR ${a}.lang = ${s}lang)`;
};

/** The rows of a rollup over [lo, hi), whose whole days are [fLo, fHi) and whole months [mLo, mHi). */
export function rollupRows(name: string, dialect: 'duckdb' | 'bigquery', period: Period, filtered = true, byDay = false): string {
  const rows = `
    ${rollupDays(name, dialect, period, byDay)}
    UNION ALL ${rollupEdges(name, dialect, period)}`;
  if (!filtered) return rows;
  return `SELECT * FROM (${rows}) AS r WHERE ${rollupMatch(dialect, 'r')}`;
}
/** Whole days from which a view may read a span table (shorter views hold few whole spans). */
export const SPANS_MIN_DAYS = 60;

/**
 * Whether the span (first_day, last_day) of a span table's row `a` reaches the view [start, end):
 * its last day is the start's day or later, and its first day lies before the end.
 */
export function spanReaches(d: 'duckdb' | 'bigquery', a: string): string {
  const t = tsParam(d);
  const dayBefore = d === 'duckdb' ? `${t('start')} - INTERVAL 1 DAY` : `TIMESTAMP_SUB(${t('start')}, INTERVAL 1 DAY)`;
  return `${a}.last_day > ${dayBefore} AND ${a}.first_day < ${t('end')}`;
}

/** The whole days [cLo, cHi) of a view through the rollups (`rp`). */
export function wholeDays(rp: Record<string, unknown>): number {
  return (Date.parse(String(rp.cHi)) - Date.parse(String(rp.cLo))) / DAY_MS;
}

/** Whether a view through the rollups has enough whole days ([cLo, cHi) of `rp`) to read a span table. */
export function spansLongEnough(rolled: boolean, rp: Record<string, unknown>): boolean {
  return rolled && wholeDays(rp) >= SPANS_MIN_DAYS;
}

/**
 * How many keys of a span table (alias `a`) lie inside the view's whole days [cLo, cHi) and how
 * many straddle a bound: the spans' way pays for the latter's daily rows. `where` narrows the keys.
 */
export function spansSplit(table: string, a: string, where?: DialectSql): DialectSql {
  return {
    duckdb: `
SELECT count(*) FILTER (WHERE ${a}.first_day >= CAST($cLo AS TIMESTAMPTZ) AND ${a}.last_day < CAST($cHi AS TIMESTAMPTZ)) AS inside,
       count(*) FILTER (WHERE ${a}.first_day < CAST($cLo AS TIMESTAMPTZ) OR ${a}.last_day >= CAST($cHi AS TIMESTAMPTZ)) AS straddling
FROM ${table} AS ${a}
WHERE ${a}.first_day < CAST($cHi AS TIMESTAMPTZ) AND ${a}.last_day >= CAST($cLo AS TIMESTAMPTZ)${where ? ` AND ${where.duckdb}` : ''}`,
    bigquery: `
SELECT COUNTIF(${a}.first_day >= TIMESTAMP(@cLo) AND ${a}.last_day < TIMESTAMP(@cHi)) AS inside,
       COUNTIF(${a}.first_day < TIMESTAMP(@cLo) OR ${a}.last_day >= TIMESTAMP(@cHi)) AS straddling
FROM ${table} AS ${a}
WHERE ${a}.first_day < TIMESTAMP(@cHi) AND ${a}.last_day >= TIMESTAMP(@cLo)${where ? ` AND ${where.bigquery}` : ''}`,
  };
}

/**
 * A period's bounds: [lo, whole days from, whole months from, to, whole days to, hi], then the
 * whole hours of its leading and of its trailing edge, read from the hourly tiers (an edge
 * without them is read from posts whole). The current period's trailing edge has none: a view
 * that ends now reads its last day whole from the daily rollups (LATER_THAT_DAY), so that edge is
 * empty, and a branch more in every statement costs DuckDB planning time on every page (each
 * execution is planned with its values); a view that ends earlier in a day with posts after its
 * end reads that edge from posts, as before the tiers. The previous period's trailing edge is the
 * start's day up to the start, as partial as its leading edge.
 */
export type Period = [Bound, Bound, Bound, Bound, Bound, Bound, Bound, Bound, Bound?, Bound?];
export const CUR: Period = ['start', 'cLo', 'cmLo', 'cmHi', 'cHi', 'end', 'ch1Lo', 'ch1Hi'];
export const PREV: Period = ['prevStart', 'pLo', 'pmLo', 'pmHi', 'pHi', 'start', 'ph1Lo', 'ph1Hi', 'ph2Lo', 'ph2Hi'];
/** Both periods, with is_current. */
export const both = (name: string, d: 'duckdb' | 'bigquery') =>
  `SELECT TRUE AS is_current, c.* FROM (${rollupRows(name, d, CUR)}) AS c
  UNION ALL SELECT FALSE AS is_current, q.* FROM (${rollupRows(name, d, PREV)}) AS q`;

/** Whether this warehouse's rollups are complete (pulse_state, set by the build that made them). */
export const ROLLUPS_READY: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM pulse_state WHERE "key" = '${ROLLUPS_STATE_KEY}' AND "value" = '${ROLLUPS_VERSION}'`,
  bigquery: `SELECT COUNT(*) AS n FROM pulse_state WHERE \`key\` = '${ROLLUPS_STATE_KEY}' AND \`value\` = '${ROLLUPS_VERSION}'`,
};


/**
 * Posts after the view's end on its last, partial day ($dayEnd: the next midnight). With none
 * (the usual view, which ends now), that day's posts before the end are all its posts, so the
 * rollups answer the day whole (rollupParams' lastDayWhole) instead of the panels reading it
 * from posts.
 */
export const LATER_THAT_DAY: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM posts WHERE created_at >= CAST($end AS TIMESTAMPTZ) AND created_at < CAST($dayEnd AS TIMESTAMPTZ)`,
  bigquery: `SELECT COUNT(*) AS n FROM posts WHERE created_at >= TIMESTAMP(@end) AND created_at < TIMESTAMP(@dayEnd)`,
};

// Trending ranks posts, so it reads posts; with the rollups it reads only the posts that can
// rank. rollup_hourly keeps each hour's most engaging post's engagement: the hour's best
// normalized engagement is then known, and so are bounds of its velocity (its age lies within
// the hour). The k-th largest lower bound over the view's whole hours is a velocity that k posts
// reach, so no post of an hour whose upper bound is below it can rank: the scan starts at the
// first hour that can (scanFrom, RANK_MARGIN_HOURS earlier). The bound only drops posts that
// cannot rank, so the list equals the raw query's (the test compares them). By the day (as
// until ROLLUPS_VERSION 9), a post's age within its day spans 24 hours, and (age + 2)^1.8 of the
// newest day's posts ranges over a factor of a hundred: a 30-day view ending at noon scanned
// four and a half days of posts (10M seeded posts); by the hour, ten hours. Top posts (age ignored) read the days'
// best posts from rollup_top_posts_daily (panels/ranked/sql.ts).

/** The view's mean engagement per source, from the rollups (the raw panels take it from posts). */
export function D_ROLLED_MEAN(): string {
  return `SELECT source, CAST(sum(engagement) AS DOUBLE) / sum(posts) AS mean_eng FROM (${rollupRows('rollup_daily', 'duckdb', CUR)}) AS r GROUP BY source`;
}
export function B_ROLLED_MEAN(): string {
  return `SELECT source, SUM(engagement) / SUM(posts) AS mean_eng FROM (${rollupRows('rollup_daily', 'bigquery', CUR)}) AS r GROUP BY source`;
}

/**
 * How many hours before the first hour that can rank trending's scan starts (rankBounds in
 * panels/ranked/index.ts); excluded_max bounds the posts before that. Headroom for the posts
 * ranked by their gain instead (observed twice): when those push the k-th velocity below the
 * bound of a post left out, the panel runs the whole query, so the margin keeps that bound low.
 */
export const RANK_MARGIN_HOURS = 6;

/** scan_from and the k-th lower bound of velocity (trending_threshold), for rankBounds in panels/ranked/index.ts (trending through the rollups). */
export const RANK_BOUNDS: DialectSql = {
  duckdb: `
WITH m AS (${D_ROLLED_MEAN()}),
g AS (
  SELECT day, source, max(max_engagement) AS mx FROM rollup_hourly AS r
  WHERE day > CAST($start AS TIMESTAMPTZ) - INTERVAL 1 HOUR AND day < CAST($end AS TIMESTAMPTZ)
    AND ($source = '' OR r.source = $source) AND ($lang = '' OR r.lang = $lang)
  GROUP BY 1, 2),
v AS (
  SELECT day, day >= CAST($start AS TIMESTAMPTZ) AND day <= CAST($end AS TIMESTAMPTZ) - INTERVAL 1 HOUR AS whole, n,
         n / pow((epoch(CAST($end AS TIMESTAMPTZ)) - epoch(day)) / 3600.0 + 2, 1.8) AS v_lo,
         n / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(day) - 3600, 0) / 3600.0 + 2, 1.8) AS v_hi
  FROM (SELECT g.day, COALESCE(g.mx / NULLIF(m.mean_eng, 0), 0) AS n FROM g JOIN m USING (source))),
tv AS (SELECT v_lo AS t FROM v WHERE whole ORDER BY v_lo DESC LIMIT 1 OFFSET $trendingSkip)
SELECT (SELECT min(day) FROM v WHERE v_hi >= (SELECT t FROM tv)) AS scan_from,
       (SELECT t FROM tv) AS trending_threshold,
       (SELECT max(v_hi) FROM v WHERE day < (SELECT min(day) FROM v WHERE v_hi >= (SELECT t FROM tv)) - INTERVAL ${RANK_MARGIN_HOURS} HOUR) AS excluded_max`,
  bigquery: `
WITH m AS (${B_ROLLED_MEAN()}),
g AS (
  SELECT day, source, MAX(max_engagement) AS mx FROM rollup_hourly AS r
  WHERE day > TIMESTAMP_SUB(TIMESTAMP(@start), INTERVAL 1 HOUR) AND day < TIMESTAMP(@end)
    AND (@source = '' OR r.source = @source) AND (@lang = '' OR r.lang = @lang)
  GROUP BY 1, 2),
v AS (
  SELECT day, day >= TIMESTAMP(@start) AND day <= TIMESTAMP_SUB(TIMESTAMP(@end), INTERVAL 1 HOUR) AS whole, n,
         n / POW(TIMESTAMP_DIFF(TIMESTAMP(@end), day, SECOND) / 3600.0 + 2, 1.8) AS v_lo,
         n / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), day, SECOND) - 3600, 0) / 3600.0 + 2, 1.8) AS v_hi
  FROM (SELECT g.day, IFNULL(SAFE_DIVIDE(g.mx, m.mean_eng), 0) AS n FROM g JOIN m USING (source))),
tv AS (SELECT v_lo AS t FROM v WHERE whole ORDER BY v_lo DESC LIMIT 1 OFFSET @trendingSkip)
SELECT (SELECT MIN(day) FROM v WHERE v_hi >= (SELECT t FROM tv)) AS scan_from,
       (SELECT t FROM tv) AS trending_threshold,
       (SELECT MAX(v_hi) FROM v WHERE day < TIMESTAMP_SUB((SELECT MIN(day) FROM v WHERE v_hi >= (SELECT t FROM tv)), INTERVAL ${RANK_MARGIN_HOURS} HOUR)) AS excluded_max`,
};

/** The statements several panels share (the panels' own are in PANELS): what the specs check besides. */
export const SHARED_STATEMENTS = { ROLLUPS_READY, LATER_THAT_DAY, RANK_BOUNDS, QUALITY_TABLE, STORIES_TABLE } satisfies Record<string, DialectSql>;
