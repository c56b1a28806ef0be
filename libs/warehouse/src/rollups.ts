import {
  rollupAuthorsDaily,
  rollupDaily,
  rollupEntitiesDaily,
  rollupHashtagsDaily,
  rollupTopicsDaily,
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
  duckdb: (postsWhere: string, nlpWhere: string) => string;
  bigquery: (postsWhere: string, nlpWhere: string) => string;
}

/** pulse_state key whose value is ROLLUPS_VERSION once the rollups are complete. */
export const ROLLUPS_STATE_KEY = 'rollups.version';
/** Bumped whenever a rollup's definition changes: warehouses then rebuild theirs on open. */
export const ROLLUPS_VERSION = '2';

/** Engagement of a post: every count the source reports, summed (as the dashboard's ENG). */
const ENG = `(COALESCE(p.like_count, 0) + COALESCE(p.repost_count, 0) + COALESCE(p.reply_count, 0) + COALESCE(p.quote_count, 0) + COALESCE(p.score, 0))`;
/** The UTC day of a post. */
const D_DAY = `to_timestamp(CAST(floor(epoch(p.created_at) / 86400) AS BIGINT) * 86400)`;
const B_DAY = `TIMESTAMP_TRUNC(p.created_at, DAY)`;
const LANG = `COALESCE(p.lang, '')`;

export const ROLLUPS: readonly RollupDef[] = [
  {
    table: rollupDaily,
    duckdb: (pw, nw) => `
SELECT ${D_DAY} AS day, p.source AS source, ${LANG} AS lang, COALESCE(n.sentiment, '') AS sentiment,
       count(*) AS posts, CAST(COALESCE(sum(${ENG}), 0) AS BIGINT) AS engagement, max(${ENG}) AS max_engagement
FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
    bigquery: (pw, nw) => `
SELECT ${B_DAY} AS day, p.source AS source, ${LANG} AS lang, COALESCE(n.sentiment, '') AS sentiment,
       COUNT(*) AS posts, COALESCE(SUM(${ENG}), 0) AS engagement, MAX(${ENG}) AS max_engagement
FROM posts AS p LEFT JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  },
  {
    table: rollupTopicsDaily,
    duckdb: (pw, nw) => `
SELECT day, source, lang, x.label AS topic, count(*) AS posts
FROM (SELECT ${D_DAY} AS day, p.source AS source, ${LANG} AS lang, unnest(n.topics) AS x
      FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
      WHERE ${pw})
GROUP BY 1, 2, 3, 4`,
    bigquery: (pw, nw) => `
SELECT ${B_DAY} AS day, p.source AS source, ${LANG} AS lang, x.label AS topic, COUNT(*) AS posts
FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}, UNNEST(n.topics) AS x
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  },
  {
    table: rollupAuthorsDaily,
    duckdb: (pw) => `
SELECT ${D_DAY} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id,
       count(*) AS posts, CAST(COALESCE(sum(${ENG}), 0) AS BIGINT) AS engagement, max(p.created_at) AS last_at,
       arg_max(p.author_handle, p.created_at) AS author_handle, arg_max(p.author_name, p.created_at) AS author_name
FROM posts AS p
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
    bigquery: (pw) => `
SELECT ${B_DAY} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id,
       COUNT(*) AS posts, COALESCE(SUM(${ENG}), 0) AS engagement, MAX(p.created_at) AS last_at,
       ARRAY_AGG(p.author_handle ORDER BY p.created_at DESC LIMIT 1)[OFFSET(0)] AS author_handle,
       ARRAY_AGG(p.author_name ORDER BY p.created_at DESC LIMIT 1)[OFFSET(0)] AS author_name
FROM posts AS p
WHERE ${pw}
GROUP BY 1, 2, 3, 4`,
  },
  {
    table: rollupHashtagsDaily,
    duckdb: (pw) => `
SELECT day, source, lang, tag, author_id, count(DISTINCT post_id) AS posts
FROM (SELECT ${D_DAY} AS day, p.source AS source, ${LANG} AS lang, p.author_id AS author_id, p.post_id AS post_id, unnest(p.hashtags) AS tag
      FROM posts AS p
      WHERE ${pw})
GROUP BY 1, 2, 3, 4, 5`,
    bigquery: (pw) => `
SELECT ${B_DAY} AS day, p.source AS source, ${LANG} AS lang, tag, p.author_id AS author_id, COUNT(DISTINCT p.post_id) AS posts
FROM posts AS p, UNNEST(p.hashtags) AS tag
WHERE ${pw}
GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    table: rollupEntitiesDaily,
    // A post that writes one entity in two ways counts once, under its smallest spelling.
    duckdb: (pw, nw) => `
SELECT day, source, lang, type, lower(text) AS entity, text, count(*) AS mentions,
       count(DISTINCT post_id) FILTER (WHERE text = first_text) AS posts
FROM (SELECT *, min(text) OVER (PARTITION BY post_id, type, lower(text)) AS first_text
      FROM (SELECT day, source, lang, post_id, x.type AS type, x.text AS text
            FROM (SELECT ${D_DAY} AS day, p.source AS source, ${LANG} AS lang, p.post_id AS post_id, unnest(n.entities) AS x
                  FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}
                  WHERE ${pw})))
GROUP BY 1, 2, 3, 4, 5, 6`,
    bigquery: (pw, nw) => `
SELECT day, source, lang, type, LOWER(text) AS entity, text, COUNT(*) AS mentions,
       COUNT(DISTINCT IF(text = first_text, post_id, NULL)) AS posts
FROM (SELECT *, MIN(text) OVER (PARTITION BY post_id, type, LOWER(text)) AS first_text
      FROM (SELECT ${B_DAY} AS day, p.source AS source, ${LANG} AS lang, p.post_id AS post_id, x.type AS type, x.text AS text
            FROM posts AS p JOIN post_nlp AS n ON n.post_id = p.post_id AND ${nw}, UNNEST(n.entities) AS x
            WHERE ${pw}))
GROUP BY 1, 2, 3, 4, 5, 6`,
  },
];

/** The rollup tables' names, for the loaders. */
export const ROLLUP_NAMES = ROLLUPS.map((r) => r.table.name);

/** `p.created_at`/`n.created_at` within the whole UTC days listed (ISO instants at midnight), as constants a scan can prune with. */
export function daysWhere(days: string[], alias: 'p' | 'n', lit: (iso: string) => string, dayExpr: string): string {
  if (!days.length) throw new Error('daysWhere: no days');
  const sorted = [...days].sort();
  const hi = new Date(Date.parse(sorted.at(-1)!) + 86_400_000).toISOString();
  const range = `${alias}.created_at >= ${lit(sorted[0]!)} AND ${alias}.created_at < ${lit(hi)}`;
  // The day list matters only when the days are not contiguous.
  const contiguous = (Date.parse(hi) - Date.parse(sorted[0]!)) / 86_400_000 === sorted.length;
  return contiguous || alias === 'n' ? range : `${range} AND ${dayExpr} IN (${sorted.map(lit).join(', ')})`;
}

/** A whole-day ISO instant, checked, for SQL constants. */
export function dayIso(v: unknown): string {
  const d = v instanceof Date ? v : new Date(String((v as { value?: unknown })?.value ?? v));
  if (Number.isNaN(d.getTime()) || d.getTime() % 86_400_000 !== 0) throw new Error(`not a UTC day: ${String(v)}`);
  return d.toISOString();
}

export const DUCKDB_DAY_OF_POST = D_DAY;
export const BIGQUERY_DAY_OF_POST = B_DAY;
