import {
  columnNames,
  rollupAuthorsDaily,
  rollupAuthorsMonthly,
  rollupDaily,
  rollupEntitiesDaily,
  rollupEntitiesMonthly,
  rollupHashtagSpans,
  rollupHashtagsDaily,
  rollupLinksDaily,
  rollupLinkSpans,
  TOP_GAINS_PER_DAY,
  rollupAuthorsHourly,
  rollupEntitiesHourly,
  rollupHourly,
  rollupTopicsHourly,
  rollupTopPostsHourly,
  rollupMonthly,
  rollupTopicsDaily,
  rollupTopPostsDaily,
  TOP_POSTS_PER_DAY,
  type TableSchema,
} from '@social-pulse/schema';

/**
 * The rollups: daily aggregates of posts and their labels that serve the dashboard's charts
 * and headline (tables declared in libs/schema/src/rollups.ts). Each is defined here once per
 * dialect, side by side, as the SELECT that computes its rows from `posts` (alias p) and
 * `post_nlp` (alias n) under two predicates, one on p and one on n (the same period on both:
 * post_nlp carries its post's created_at, so a period reads only that period's labels).
 *
 * The same SELECT serves three purposes, so the three cannot disagree:
 * - the load recomputes the rows of exactly the days it touched (posts or labels), in the same
 *   transaction (DuckDB) or right after its MERGE (BigQuery, one MERGE per rollup);
 * - a warehouse with posts but no rollups (or rollups of an older definition) gets them built
 *   whole when it is opened for writing (ROLLUPS_STATE_KEY in pulse_state says which version);
 * - the dashboard adds, to the whole days a view covers, the same rows computed from posts
 *   for the partial days at its edges (a view ending "now" starts and ends mid-day).
 */
export interface RollupDef {
  table: TableSchema;
  /** `bucket`: the time bucket a daily rollup's SELECT groups posts by (its `day`): the UTC day unless given (its hourly tier passes the hour). */
  duckdb: (postsWhere: string, nlpWhere: string, bucket?: string) => string;
  bigquery: (postsWhere: string, nlpWhere: string, bucket?: string) => string;
  /**
   * A monthly tier (libs/schema/src/rollups.ts): its SELECT reads this daily rollup (alias p)
   * instead of posts, under a predicate on p.day that covers whole UTC months (monthsWhere);
   * `day` is the month's first day. It is refreshed after its daily table, for the months of
   * the days a load touched, and never computes a view's edges (those are days).
   */
  monthlyOf?: string;
  /**
   * A span table (rollup_hashtag_spans): one row per `key` over all time, no day. Its SELECT reads
   * this daily rollup (alias p) under a predicate that picks whole keys (spanKeysWhere): the keys
   * a load's days may have changed are recomputed from all their daily rows, after the daily table.
   * `key` also lists the columns that are a function of the key (author_key), so that they are carried along.
   */
  spansOf?: { daily: string; key: readonly string[] };
  /**
   * An hourly tier (libs/schema/src/rollups.ts): its daily rollup's own SELECT over posts, grouped
   * by the UTC hour instead of the day (`day` holds the hour). The load refreshes it for the days
   * it touched like its daily table; the dashboard reads it only for a view's partial days (see
   * rollupEdges in apps/dashboard/src/sql.ts).
   */
  hourlyOf?: string;
}

/** pulse_state key whose value is ROLLUPS_VERSION once the rollups are complete. */
export const ROLLUPS_STATE_KEY = 'rollups.version';
/**
 * Bumped whenever a rollup's definition (or, in DuckDB, its physical order) changes: warehouses
 * then rebuild theirs on open. 7: the span tables in last_day order; 8: the hourly tiers; 9: author_key in the authors' and hashtags' rollups;
 * 10: rollup_post_gains, rollup_gains_daily and rollup_top_gains_daily (DuckDB); 11: a gains row
 * for every observed post, and the observations' span in the daily gain tables.
 */
export const ROLLUPS_VERSION = '11';

/** Engagement of a post: every count the source reports, summed (as the dashboard's ENG). */
const ENG = `(COALESCE(p.like_count, 0) + COALESCE(p.repost_count, 0) + COALESCE(p.reply_count, 0) + COALESCE(p.quote_count, 0) + COALESCE(p.score, 0))`;
/** The start of the UTC bucket of `seconds` (a day, an hour) holding a timestamp column or expression `c`, in DuckDB. */
const floorTo = (seconds: number) => (c: string): string => `to_timestamp(CAST(floor(epoch(${c}) / ${seconds}) AS BIGINT) * ${seconds})`;
/** The UTC day (midnight) of a timestamp column or expression `c`, in each dialect. */
export const UTC_DAY = {
  duckdb: floorTo(86400),
  bigquery: (c: string): string => `TIMESTAMP_TRUNC(${c}, DAY)`,
} as const;
/** The UTC hour of a timestamp column or expression `c`, in each dialect. */
const UTC_HOUR = {
  duckdb: floorTo(3600),
  bigquery: (c: string): string => `TIMESTAMP_TRUNC(${c}, HOUR)`,
} as const;
/** The UTC day of a post. */
const D_DAY = UTC_DAY.duckdb('p.created_at');
const B_DAY = UTC_DAY.bigquery('p.created_at');
/** The UTC hour of a post (the hourly tiers' bucket). */
const D_HOUR = UTC_HOUR.duckdb('p.created_at');
const B_HOUR = UTC_HOUR.bigquery('p.created_at');
const LANG = `COALESCE(p.lang, '')`;
/**
 * An author as one integer: a fingerprint of a row `a`'s source and author_id (a source's name
 * holds no ':'; 63 bits of md5 in DuckDB, FARM_FINGERPRINT's 64 in BigQuery), stored in the
 * authors' and hashtags' rollups. Counting and grouping the authors of a month of daily rows by
 * it instead of by the two strings took about a quarter to a half of the time (docs/BENCHMARKS.md).
 * Two authors could share a key only through a collision: the chance of any among ten million
 * authors is about 5 in a million. Both functions are the same in every version (DuckDB's
 * `hash` is not promised to be), so keys stored earlier match keys computed now; each warehouse
 * only ever compares its own keys.
 */
export const AUTHOR_KEY = {
  duckdb: (a: string): string => `CAST(md5_number_upper(${a}.source || ':' || ${a}.author_id) >> 1 AS BIGINT)`,
  bigquery: (a: string): string => `FARM_FINGERPRINT(CONCAT(${a}.source, ':', ${a}.author_id))`,
} as const;

const DAILY: RollupDef[] = [
  {
    table: rollupDaily,
    duckdb: (pw, nw, day = D_DAY) => `
SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, COALESCE(n.sentiment, '') AS sentiment,
       count(*) AS posts, CAST(COALESCE(sum(${ENG}), 0) AS BIGINT) AS engagement, max(${ENG}) AS max_engagement
FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
    bigquery: (pw, nw, day = B_DAY) => `
SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, COALESCE(n.sentiment, '') AS sentiment,
       COUNT(*) AS posts, COALESCE(SUM(${ENG}), 0) AS engagement, MAX(${ENG}) AS max_engagement
FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  },
  {
    table: rollupTopicsDaily,
    duckdb: (pw, nw, day = D_DAY) => `
SELECT day, source, lang, x.label AS topic, count(*) AS posts
FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, unnest(n.topics) AS x
      FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
      WHERE ${pw})
GROUP BY 1, 2, 3, 4`,
    bigquery: (pw, nw, day = B_DAY) => `
SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, x.label AS topic, COUNT(*) AS posts
FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}, UNNEST(n.topics) AS x
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  },
  {
    table: rollupAuthorsDaily,
    duckdb: (pw, _nw, day = D_DAY) => `
SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id, ${AUTHOR_KEY.duckdb('p')} AS author_key,
       count(*) AS posts, CAST(COALESCE(sum(${ENG}), 0) AS BIGINT) AS engagement, max(p.created_at) AS last_at,
       arg_max(p.author_handle, p.created_at) AS author_handle, arg_max(p.author_name, p.created_at) AS author_name
FROM posts AS p
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
    bigquery: (pw, _nw, day = B_DAY) => `
SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id, ${AUTHOR_KEY.bigquery('p')} AS author_key,
       COUNT(*) AS posts, COALESCE(SUM(${ENG}), 0) AS engagement, MAX(p.created_at) AS last_at,
       ARRAY_AGG(p.author_handle ORDER BY p.created_at DESC LIMIT 1)[OFFSET(0)] AS author_handle,
       ARRAY_AGG(p.author_name ORDER BY p.created_at DESC LIMIT 1)[OFFSET(0)] AS author_name
FROM posts AS p
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  },
  {
    table: rollupHashtagsDaily,
    duckdb: (pw, _nw, day = D_DAY) => `
SELECT day, source, lang, tag, author_id, ${AUTHOR_KEY.duckdb('x')} AS author_key, count(DISTINCT post_id) AS posts
FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id, p.post_id AS post_id, unnest(p.hashtags) AS tag
      FROM posts AS p
      WHERE ${pw}) AS x
GROUP BY 1, 2, 3, 4, 5`,
    bigquery: (pw, _nw, day = B_DAY) => `
SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, tag, p.author_id AS author_id, ${AUTHOR_KEY.bigquery('p')} AS author_key,
       COUNT(DISTINCT p.post_id) AS posts
FROM posts AS p, UNNEST(p.hashtags) AS tag
WHERE ${pw}
GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    table: rollupEntitiesDaily,
    // A post that writes one entity in two ways counts once, under its smallest spelling. Each
    // post's mentions are first counted per spelling (one row per post and spelling), so the
    // posts of a spelling are a plain count, not a DISTINCT: the same rows, about 40% less time
    // for the dashboard's edge days and the load's refresh.
    duckdb: (pw, nw, day = D_DAY) => `
SELECT day, source, lang, type, entity, text, CAST(sum(mentions) AS BIGINT) AS mentions, count(*) FILTER (WHERE text = first_text) AS posts
FROM (SELECT *, min(text) OVER (PARTITION BY post_id, type, entity) AS first_text
      FROM (SELECT day, source, lang, post_id, x.type AS type, lower(x.text) AS entity, x.text AS text, count(*) AS mentions
            FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.post_id AS post_id, unnest(n.entities) AS x
                  FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
                  WHERE ${pw})
            GROUP BY ALL))
GROUP BY 1, 2, 3, 4, 5, 6`,
    bigquery: (pw, nw, day = B_DAY) => `
SELECT day, source, lang, type, entity, text, SUM(mentions) AS mentions, COUNTIF(text = first_text) AS posts
FROM (SELECT *, MIN(text) OVER (PARTITION BY post_id, type, entity) AS first_text
      FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.post_id AS post_id, x.type AS type, LOWER(x.text) AS entity, x.text AS text, COUNT(*) AS mentions
            FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}, UNNEST(n.entities) AS x
            WHERE ${pw}
            GROUP BY 1, 2, 3, 4, 5, 6, 7))
GROUP BY 1, 2, 3, 4, 5, 6`,
  },
  {
    table: rollupLinksDaily,
    // As the links panel: a link repeated in one post counts once; the title is the most
    // engaging titled post's (ties: the smallest post_id), kept with its engagement and id so
    // that the best of several days' bests is the best of all their posts.
    duckdb: (pw, _nw, day = D_DAY) => `
SELECT day, source, lang, url, author_id, count(*) AS posts,
       first(title ORDER BY eng DESC, post_id) FILTER (WHERE title IS NOT NULL) AS title,
       first(eng ORDER BY eng DESC, post_id) FILTER (WHERE title IS NOT NULL) AS title_eng,
       first(post_id ORDER BY eng DESC, post_id) FILTER (WHERE title IS NOT NULL) AS title_post
FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id, p.post_id AS post_id, ${ENG} AS eng,
             COALESCE(CASE WHEN p.kind = 'story' THEN p.title END,
                      CASE WHEN json_valid(p.extra) THEN json_extract_string(p.extra, '$.card_title') END) AS title,
             unnest(list_distinct(p.links)) AS url
      FROM posts AS p
      WHERE ${pw})
GROUP BY 1, 2, 3, 4, 5`,
    bigquery: (pw, _nw, day = B_DAY) => `
SELECT day, source, lang, url, author_id, COUNT(*) AS posts,
       ARRAY_AGG(title IGNORE NULLS ORDER BY -eng, post_id LIMIT 1)[SAFE_OFFSET(0)] AS title,
       ARRAY_AGG(IF(title IS NULL, NULL, eng) IGNORE NULLS ORDER BY -eng, post_id LIMIT 1)[SAFE_OFFSET(0)] AS title_eng,
       ARRAY_AGG(IF(title IS NULL, NULL, post_id) IGNORE NULLS ORDER BY -eng, post_id LIMIT 1)[SAFE_OFFSET(0)] AS title_post
FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id, p.post_id AS post_id, ${ENG} AS eng,
             COALESCE(IF(p.kind = 'story', p.title, NULL), SAFE.JSON_VALUE(p.extra, '$.card_title')) AS title, link AS url
      FROM posts AS p, UNNEST(ARRAY(SELECT DISTINCT u FROM UNNEST(p.links) AS u)) AS link
      WHERE ${pw})
GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    table: rollupTopPostsDaily,
    // The top posts panel ranks by engagement over its source's mean (the same for every post of
    // a source in the view), then engagement, then post_id: a post of a day, source and language
    // outside that group's first TOP_POSTS_PER_DAY in (engagement desc, post_id) order has that
    // many ahead of it in the panel's order too, so it cannot be among its first TOP_POSTS_PER_DAY.
    duckdb: (pw, _nw, day = D_DAY) => topPostsOfDays(day, pw),
    bigquery: (pw, _nw, day = B_DAY) => topPostsOfDays(day, pw),
  },
];

/** rollup_top_posts_daily's rows of the posts `pw` selects, the UTC day computed by `day` (the same text in both dialects otherwise). */
function topPostsOfDays(day: string, pw: string): string {
  return `
SELECT day, source, lang, post_id, created_at, eng
FROM (SELECT ${day} AS day, p.source AS source, ${LANG} AS lang, p.post_id AS post_id, p.created_at AS created_at, ${ENG} AS eng,
             ROW_NUMBER() OVER (PARTITION BY ${day}, p.source, ${LANG} ORDER BY ${ENG} DESC, p.post_id) AS k
      FROM posts AS p
      WHERE ${pw}) AS t
WHERE k <= ${TOP_POSTS_PER_DAY}`;
}

// ---- Monthly tiers: each month's rows, summed from its daily rows -------------------------
/** The first day of the UTC month of a day column `p.day` (a TIMESTAMPTZ at midnight). */
const D_MONTH = `timezone('UTC', date_trunc('month', p.day AT TIME ZONE 'UTC'))`;
const B_MONTH = `TIMESTAMP_TRUNC(p.day, MONTH)`;
const sumOf = (c: string) => ({ duckdb: `CAST(sum(p.${c}) AS BIGINT)`, bigquery: `SUM(p.${c})` });

/** A monthly tier of `daily`: every column not aggregated is a grouping column. */
function monthlyTier(daily: RollupDef, table: TableSchema, aggs: Record<string, { duckdb: string; bigquery: string }>): RollupDef {
  const groups = columnNames(table).filter((c) => c !== 'day' && !(c in aggs));
  const select = (d: 'duckdb' | 'bigquery', pw: string) => `
SELECT ${d === 'duckdb' ? D_MONTH : B_MONTH} AS day, ${groups.map((g) => `p.${g} AS ${g}`).join(', ')},
       ${Object.entries(aggs).map(([c, a]) => `${a[d]} AS ${c}`).join(', ')}
FROM ${daily.table.name} AS p
WHERE ${pw}
GROUP BY ${groups.map((_, i) => i + 1).concat(groups.length + 1).join(', ')}`;
  return { table, monthlyOf: daily.table.name, duckdb: (pw) => select('duckdb', pw), bigquery: (pw) => select('bigquery', pw) };
}

// ---- Hourly tiers: a daily rollup's SELECT over posts, by the UTC hour --------------------
/** The daily rollups with an hourly tier, and its table (libs/schema/src/rollups.ts says which have none, and why). */
const HOURLY_TABLES: Record<string, TableSchema> = {
  rollup_daily: rollupHourly,
  rollup_topics_daily: rollupTopicsHourly,
  rollup_authors_daily: rollupAuthorsHourly,
  rollup_entities_daily: rollupEntitiesHourly,
  rollup_top_posts_daily: rollupTopPostsHourly,
};
/** The hourly tier of a daily rollup: the same SELECT with the hour as its bucket. */
function hourlyTier(daily: RollupDef): RollupDef {
  const table = HOURLY_TABLES[daily.table.name]!;
  return { table, hourlyOf: daily.table.name, duckdb: (pw, nw) => daily.duckdb(pw, nw, D_HOUR), bigquery: (pw, nw) => daily.bigquery(pw, nw, B_HOUR) };
}

// ---- Span table: each hashtag, source and author's first and last day, from the daily rows ----
const HASHTAG_SPANS: RollupDef = {
  table: rollupHashtagSpans,
  spansOf: { daily: 'rollup_hashtags_daily', key: ['tag', 'source', 'author_id', 'author_key'] },
  duckdb: (pw) => `
SELECT p.tag AS tag, p.source AS source, p.author_id AS author_id, p.author_key AS author_key, min(p.day) AS first_day, max(p.day) AS last_day, CAST(sum(p.posts) AS BIGINT) AS posts
FROM rollup_hashtags_daily AS p
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  bigquery: (pw) => `
SELECT p.tag AS tag, p.source AS source, p.author_id AS author_id, p.author_key AS author_key, MIN(p.day) AS first_day, MAX(p.day) AS last_day, SUM(p.posts) AS posts
FROM rollup_hashtags_daily AS p
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
};

const LINK_SPANS: RollupDef = {
  table: rollupLinkSpans,
  spansOf: { daily: 'rollup_links_daily', key: ['url'] },
  duckdb: (pw) => `
SELECT p.url AS url, min(p.day) AS first_day, max(p.day) AS last_day, CAST(sum(p.posts) AS BIGINT) AS posts
FROM rollup_links_daily AS p
WHERE ${pw}
GROUP BY 1`,
  bigquery: (pw) => `
SELECT p.url AS url, MIN(p.day) AS first_day, MAX(p.day) AS last_day, SUM(p.posts) AS posts
FROM rollup_links_daily AS p
WHERE ${pw}
GROUP BY 1`,
};

/**
 * The keys of a span table whose rows the days given (ISO midnights) may change: those with a
 * daily row on one of them (read after the daily table's refresh) and those whose span
 * [first_day, last_day] overlaps them (a key may have left a day: its span then shrinks, or it
 * goes). `spans` names the span table (its state before the refresh). Each key may come twice.
 */
export function spanKeys(r: RollupDef, days: string[], lit: (iso: string) => string, spans: string): string {
  const { daily, key } = r.spansOf!;
  const cols = key.join(', ');
  return `SELECT ${cols} FROM ${daily} WHERE day IN (${days.map(lit).join(', ')})
    UNION ALL SELECT ${cols} FROM ${spans} AS s WHERE ${spanOverlaps(days, lit, 's')}`;
}

/** spanKeys as a predicate on the daily rows `p`. */
export function spanKeysWhere(r: RollupDef, days: string[], lit: (iso: string) => string, spans: string): string {
  return `EXISTS (SELECT 1 FROM (${spanKeys(r, days, lit, spans)}) AS k
  WHERE ${r.spansOf!.key.map((c) => `k.${c} = p.${c}`).join(' AND ')})`;
}

/** A span row (alias `a`) that overlaps the days given: a superset of those holding one of them. */
export function spanOverlaps(days: string[], lit: (iso: string) => string, a: string): string {
  if (!days.length) throw new Error('spanOverlaps: no days');
  const sorted = [...days].sort();
  return `${a}.first_day <= ${lit(sorted.at(-1)!)} AND ${a}.last_day >= ${lit(sorted[0]!)}`;
}

const [daily, , authors, , entities] = DAILY;
/** Every rollup, in the order a load refreshes them (each monthly tier and span table after its daily table; the hourly tiers, from posts, last). */
export const ROLLUPS: readonly RollupDef[] = [
  ...DAILY,
  monthlyTier(daily!, rollupMonthly, { posts: sumOf('posts'), engagement: sumOf('engagement'), max_engagement: { duckdb: 'max(p.max_engagement)', bigquery: 'MAX(p.max_engagement)' } }),
  monthlyTier(authors!, rollupAuthorsMonthly, {
    posts: sumOf('posts'),
    engagement: sumOf('engagement'),
    last_at: { duckdb: 'max(p.last_at)', bigquery: 'MAX(p.last_at)' },
    // One author's days end at different instants: the latest day's handle and name.
    author_handle: { duckdb: 'arg_max(p.author_handle, p.last_at)', bigquery: 'ARRAY_AGG(p.author_handle ORDER BY p.last_at DESC LIMIT 1)[OFFSET(0)]' },
    author_name: { duckdb: 'arg_max(p.author_name, p.last_at)', bigquery: 'ARRAY_AGG(p.author_name ORDER BY p.last_at DESC LIMIT 1)[OFFSET(0)]' },
  }),
  monthlyTier(entities!, rollupEntitiesMonthly, { mentions: sumOf('mentions'), posts: sumOf('posts') }),
  HASHTAG_SPANS,
  LINK_SPANS,
  ...DAILY.filter((r) => r.table.name in HOURLY_TABLES).map(hourlyTier),
];

/** The first days of the UTC months of the days given (ISO instants), sorted, each once. */
export function monthsOf(days: string[]): string[] {
  return [...new Set(days.map((d) => d.slice(0, 7)))].sort().map((m) => new Date(`${m}-01T00:00:00.000Z`).toISOString());
}

/** `p.day` within the whole UTC months listed (their first days, ISO), as constants a scan can prune with. */
export function monthsWhere(months: string[], lit: (iso: string) => string, monthExpr: 'duckdb' | 'bigquery'): string {
  if (!months.length) throw new Error('monthsWhere: no months');
  const sorted = [...months].sort();
  const next = (iso: string) => {
    const d = new Date(iso);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
  };
  const range = `p.day >= ${lit(sorted[0]!)} AND p.day < ${lit(next(sorted.at(-1)!))}`;
  const contiguous = sorted.every((m, i) => i === 0 || m === next(sorted[i - 1]!));
  return contiguous ? range : `${range} AND ${monthExpr === 'duckdb' ? D_MONTH : B_MONTH} IN (${sorted.map(lit).join(', ')})`;
}

/** The rollup tables' names, for the loaders. */
export const ROLLUP_NAMES = ROLLUPS.map((r) => r.table.name);

/** `p.created_at`/`n.created_at` within the whole UTC days listed (ISO instants at midnight), as constants a scan can prune with. */
export function daysWhere(days: string[], alias: 'p' | 'n', lit: (iso: string) => string, dayExpr: string): string {
  // Labels (n) only ever join posts of those days: their range is enough.
  return withinDays(days, `${alias}.created_at`, lit, alias === 'n' ? undefined : dayExpr);
}

/**
 * A time column `col` within the whole UTC days listed (ISO instants at midnight), as constants a
 * scan can prune with: the range from the first day to the end of the last, and, when the days
 * are not contiguous and `dayOf` (the column's UTC day) is given, its day among them. An hourly
 * tier's `day` (an hour) is selected by its days this way.
 */
export function withinDays(days: string[], col: string, lit: (iso: string) => string, dayOf?: string): string {
  if (!days.length) throw new Error('withinDays: no days');
  const sorted = [...days].sort();
  const hi = new Date(Date.parse(sorted.at(-1)!) + 86_400_000).toISOString();
  const range = `${col} >= ${lit(sorted[0]!)} AND ${col} < ${lit(hi)}`;
  const contiguous = (Date.parse(hi) - Date.parse(sorted[0]!)) / 86_400_000 === sorted.length;
  return contiguous || !dayOf ? range : `${range} AND ${dayOf} IN (${sorted.map(lit).join(', ')})`;
}

/** A whole-day ISO instant, checked, for SQL constants. */
export function dayIso(v: unknown): string {
  const d = v instanceof Date ? v : new Date(String((v as { value?: unknown })?.value ?? v));
  if (Number.isNaN(d.getTime()) || d.getTime() % 86_400_000 !== 0) throw new Error(`not a UTC day: ${String(v)}`);
  return d.toISOString();
}

/** Engagement of one observation (a post_metrics row `x`), summed as ENG sums a post's counts. */
export const OBS_ENG = `(COALESCE(x.like_count, 0) + COALESCE(x.repost_count, 0) + COALESCE(x.reply_count, 0) + COALESCE(x.quote_count, 0) + COALESCE(x.score, 0))`;

/**
 * Rising now's gain per hour (DuckDB), aggregated over one post's observations numbered k = 1
 * (the latest), 2, … with columns k, eng and observed_at: the engagement gained between the
 * last two, per hour between them (at least a minute); null with one observation. The
 * dashboard's query and postGainsDuckdb share it, so that both compute the same float.
 */
export const DUCKDB_GAIN = `(max(eng) FILTER (WHERE k = 1) - max(eng) FILTER (WHERE k = 2))
           / greatest((epoch(max(observed_at) FILTER (WHERE k = 1)) - epoch(max(observed_at) FILTER (WHERE k = 2))) / 3600.0, 1 / 60.0)`;

/**
 * The rows of rollup_post_gains (DuckDB) for the posts whose observations `x` match `where`
 * (every post with `TRUE`): for each post, the gain over its last two observations (DUCKDB_GAIN;
 * null with one), whether it is gone, its first and last observation, and its source, language
 * and created_at from posts (a post not loaded yet: the
 * observations' source, no language and no created_at, which its load fills in). A load of
 * observations recomputes the rows of the posts observed; a load of posts copies their day,
 * source and language to their rows, without reading the observations.
 */
export function postGainsDuckdb(where: string): string {
  return `
SELECT o.post_id, COALESCE(p.source, o.source) AS source, COALESCE(p.lang, '') AS lang, p.created_at, o.first_at, o.last_at, o.gain, o.gone
FROM (
  SELECT post_id, max(source) AS source, min(observed_at) AS first_at, max(observed_at) AS last_at,
         COALESCE(bool_or(k = 1 AND deleted), false) AS gone, ${DUCKDB_GAIN} AS gain
  FROM (SELECT x.post_id, x.source, x.observed_at, x.deleted, ${OBS_ENG} AS eng,
               row_number() OVER (PARTITION BY x.post_id ORDER BY x.observed_at DESC) AS k
        FROM post_metrics AS x WHERE ${where}) AS y
  GROUP BY post_id) AS o
LEFT JOIN posts AS p ON p.post_id = o.post_id`;
}

/** A gain (column `c`) above zero in millionths, rounded: what Rising now's mean sums (exact in integers across rows, days or any order). */
export const gainMicros = (c: string): string => `CAST(round(greatest(${c}, 0) * 1000000) AS BIGINT)`;

/**
 * Whether a rollup_post_gains row (alias `g`) may read otherwise in a view that holds only some of
 * its post's observations: it has a gain, or its last observation found the post deleted. A post
 * observed once and not deleted has no gain and is not gone wherever its observation lies.
 * rollup_gains_daily's span covers these rows, and Rising now recomputes them when cut.
 */
export const gainMayDiffer = (g: string): string => `(${g}.gain IS NOT NULL OR ${g}.gone)`;

/**
 * The rows of rollup_gains_daily and rollup_top_gains_daily (DuckDB) of the days whose posts'
 * gains `g` match `where`: per day of created_at, source and language, the sum and count of the
 * gains (gainMicros) of the posts that have one and are not gone, with the span of the
 * observations of the posts whose rows a view may have to recompute (gainMayDiffer; a day
 * without such a post has no row), and the
 * TOP_GAINS_PER_DAY highest (by gain above zero, then the smallest post_id: Rising now's order
 * within a source).
 */
export function gainDaysDuckdb(where: string): { sums: string; tops: string } {
  const day = UTC_DAY.duckdb('g.created_at');
  const counted = 'g.gain IS NOT NULL AND NOT g.gone';
  const span = gainMayDiffer('g');
  const of = `FROM rollup_post_gains AS g WHERE g.created_at IS NOT NULL AND ${counted} AND ${where}`;
  return {
    sums: `SELECT ${day} AS day, g.source, g.lang, CAST(COALESCE(sum(${gainMicros('g.gain')}) FILTER (WHERE ${counted}), 0) AS BIGINT) AS gain_micros,
  count(*) FILTER (WHERE ${counted}) AS gains, min(g.first_at) AS first_at, max(g.last_at) AS last_at
FROM rollup_post_gains AS g WHERE g.created_at IS NOT NULL AND ${span} AND ${where} GROUP BY ALL`,
    tops: `SELECT day, source, lang, post_id, created_at, gain, first_at, last_at FROM (
  SELECT ${day} AS day, g.source, g.lang, g.post_id, g.created_at, g.gain, g.first_at, g.last_at,
         row_number() OVER (PARTITION BY ${day}, g.source, g.lang ORDER BY greatest(g.gain, 0) DESC, g.post_id) AS k
  ${of}) AS t WHERE k <= ${TOP_GAINS_PER_DAY}`,
  };
}
