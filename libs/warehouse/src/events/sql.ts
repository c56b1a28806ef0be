import type { DialectSql } from '../types.ts';
import { bqTimestampLiteral } from '../dialect.ts';
import { DAILY_LAGS, WEEKLY_LAGS } from './baseline.ts';

/**
 * The event detector's SQL, both dialects side by side. Only event_counts (posts per hour per
 * key) is read to judge an hour; posts and post_nlp are read only for the hours a load
 * touched, when they are recounted. Timestamps travel as ISO strings (parameters `from`, `to`,
 * `judgeFrom`, …), as in quality.ts.
 */

const D_TS = (p: string) => `CAST($${p} AS TIMESTAMPTZ)`;
const B_TS = (p: string) => `TIMESTAMP(@${p})`;

/**
 * The hourly counts of one kind, for posts created in [from, to). Each returns kind, key,
 * hour, n. A post counts once per key and hour however often it names the key.
 */
export const COUNT_SQL: Record<'hashtag' | 'entity' | 'topic' | 'story', DialectSql> = {
  hashtag: {
    duckdb: `SELECT 'hashtag' AS kind, h AS "key", date_trunc('hour', created_at) AS "hour", count(DISTINCT post_id) AS n
FROM (SELECT post_id, created_at, unnest(hashtags) AS h FROM posts WHERE created_at >= ${D_TS('from')} AND created_at < ${D_TS('to')})
WHERE h <> '' GROUP BY ALL`,
    bigquery: `SELECT 'hashtag' AS kind, h AS \`key\`, TIMESTAMP_TRUNC(p.created_at, HOUR) AS \`hour\`, COUNT(DISTINCT p.post_id) AS n
FROM posts AS p, UNNEST(p.hashtags) AS h
WHERE p.created_at >= ${B_TS('from')} AND p.created_at < ${B_TS('to')} AND h <> ''
GROUP BY 1, 2, 3`,
  },
  // `type:text`, lowercased: "DuckDB" and "duckdb" as products are one key, a person and a product of one name two.
  entity: {
    duckdb: `SELECT 'entity' AS kind, lower(e."type" || ':' || e."text") AS "key", date_trunc('hour', created_at) AS "hour", count(DISTINCT post_id) AS n
FROM (SELECT post_id, created_at, unnest(entities) AS e FROM post_nlp WHERE created_at >= ${D_TS('from')} AND created_at < ${D_TS('to')})
GROUP BY ALL`,
    bigquery: `SELECT 'entity' AS kind, LOWER(CONCAT(e.type, ':', e.text)) AS \`key\`, TIMESTAMP_TRUNC(n.created_at, HOUR) AS \`hour\`, COUNT(DISTINCT n.post_id) AS n
FROM post_nlp AS n, UNNEST(n.entities) AS e
WHERE n.created_at >= ${B_TS('from')} AND n.created_at < ${B_TS('to')}
GROUP BY 1, 2, 3`,
  },
  topic: {
    duckdb: `SELECT 'topic' AS kind, t."label" AS "key", date_trunc('hour', created_at) AS "hour", count(DISTINCT post_id) AS n
FROM (SELECT post_id, created_at, unnest(topics) AS t FROM post_nlp WHERE created_at >= ${D_TS('from')} AND created_at < ${D_TS('to')})
GROUP BY ALL`,
    bigquery: `SELECT 'topic' AS kind, t.label AS \`key\`, TIMESTAMP_TRUNC(n.created_at, HOUR) AS \`hour\`, COUNT(DISTINCT n.post_id) AS n
FROM post_nlp AS n, UNNEST(n.topics) AS t
WHERE n.created_at >= ${B_TS('from')} AND n.created_at < ${B_TS('to')}
GROUP BY 1, 2, 3`,
  },
  // Per story (story_posts: story_id, post_id). Opt-in (events.kinds): every post is a story, so
  // this counts a row per post's story and hour, most of them stories of one post.
  story: {
    duckdb: `SELECT 'story' AS kind, sp.story_id AS "key", date_trunc('hour', p.created_at) AS "hour", count(DISTINCT p.post_id) AS n
FROM story_posts AS sp JOIN posts AS p ON p.post_id = sp.post_id
WHERE p.created_at >= ${D_TS('from')} AND p.created_at < ${D_TS('to')}
GROUP BY ALL`,
    bigquery: `SELECT 'story' AS kind, sp.story_id AS \`key\`, TIMESTAMP_TRUNC(p.created_at, HOUR) AS \`hour\`, COUNT(DISTINCT p.post_id) AS n
FROM story_posts AS sp JOIN posts AS p ON p.post_id = sp.post_id
WHERE p.created_at >= ${B_TS('from')} AND p.created_at < ${B_TS('to')}
GROUP BY 1, 2, 3`,
  },
};

export type CountKind = keyof typeof COUNT_SQL;

/** The counts of the kinds asked for, as one query. */
export function countsSql(kinds: readonly CountKind[]): DialectSql {
  return {
    duckdb: kinds.map((k) => COUNT_SQL[k].duckdb).join('\nUNION ALL\n'),
    bigquery: kinds.map((k) => COUNT_SQL[k].bigquery).join('\nUNION ALL\n'),
  };
}


/**
 * Replaces the counts of [from, to) by a recount. DuckDB: a DELETE and an INSERT (the caller
 * wraps them in a transaction); BigQuery: one MERGE (atomic by itself), its window as
 * constants so that it reads only those days of event_counts.
 */
export function recountSql(kinds: readonly CountKind[], fromIso: string, toIso: string): { duckdb: string[]; bigquery: string } {
  const counts = countsSql(kinds);
  const f = bqTimestampLiteral(fromIso);
  const t = bqTimestampLiteral(toIso);
  return {
    duckdb: [
      `DELETE FROM event_counts WHERE "hour" >= ${D_TS('from')} AND "hour" < ${D_TS('to')}`,
      `INSERT INTO event_counts (kind, "key", "hour", n)\n${counts.duckdb}`,
    ],
    bigquery: `MERGE INTO event_counts AS t
USING (
${counts.bigquery}
) AS s
ON t.kind = s.kind AND t.\`key\` = s.\`key\` AND t.\`hour\` = s.\`hour\` AND t.\`hour\` >= ${f} AND t.\`hour\` < ${t}
WHEN MATCHED AND t.n <> s.n THEN UPDATE SET n = s.n
WHEN NOT MATCHED THEN INSERT (kind, \`key\`, \`hour\`, n) VALUES (s.kind, s.\`key\`, s.\`hour\`, s.n)
WHEN NOT MATCHED BY SOURCE AND t.\`hour\` >= ${f} AND t.\`hour\` < ${t} THEN DELETE`,
  };
}

const LAGS = [...new Set<number>([...DAILY_LAGS, ...WEEKLY_LAGS.map((w) => 7 * w)])];
const DAILY_MAX = Math.max(...DAILY_LAGS);
const WEEKLY = WEEKLY_LAGS.map((w) => 7 * w).join(', ');
const HISTORY_DAYS = Math.max(...LAGS);

/**
 * The spiking hours in [judgeFrom, to): baseline.ts's arithmetic over event_counts, each
 * candidate hour joined with its 9 lagged hours (a missing one is 0). Parameters: judgeFrom,
 * to (ISO), minCount, threshold, minRatio; the kinds are written in (they come from a fixed
 * list). Returns kind, key, hour, observed, expected, score, ordered by kind, key and hour.
 */
export function spikesSql(kinds: readonly CountKind[]): DialectSql {
  const bad = kinds.find((k) => !(k in COUNT_SQL));
  if (bad !== undefined || !kinds.length) throw new Error(`not event kinds: ${JSON.stringify(kinds)}`);
  const IN = `(${kinds.map((k) => `'${k}'`).join(', ')})`;
  return {
  duckdb: `WITH cand AS (
  SELECT kind, "key", "hour", n FROM event_counts
  WHERE "hour" >= ${D_TS('judgeFrom')} AND "hour" < ${D_TS('to')} AND n >= $minCount AND kind IN ${IN}
), hist AS (
  SELECT c.kind, c."key", c."hour", c.n, l.d, coalesce(h.n, 0) AS v
  FROM cand AS c CROSS JOIN (VALUES ${LAGS.map((d) => `(${d})`).join(', ')}) AS l(d)
  LEFT JOIN event_counts AS h ON h.kind = c.kind AND h."key" = c."key" AND h."hour" = c."hour" - to_days(l.d)
), base AS (
  SELECT kind, "key", "hour", n,
    (sum(v) FILTER (WHERE d <= ${DAILY_MAX}) - max(v) FILTER (WHERE d <= ${DAILY_MAX})) / ${DAILY_LAGS.length - 1}.0 AS daily,
    (sum(v) FILTER (WHERE d IN (${WEEKLY})) - max(v) FILTER (WHERE d IN (${WEEKLY})) - min(v) FILTER (WHERE d IN (${WEEKLY})))::DOUBLE AS weekly
  FROM hist GROUP BY kind, "key", "hour", n
), judged AS (
  SELECT kind, "key", "hour", n AS observed, greatest(daily, weekly) AS expected FROM base
)
SELECT kind, "key", "hour", observed, expected, 2 * (sqrt(observed) - sqrt(expected)) AS score FROM judged
WHERE 2 * (sqrt(observed) - sqrt(expected)) >= $threshold AND observed >= $minRatio * expected
ORDER BY kind, "key", "hour"`,
  bigquery: `WITH cand AS (
  SELECT kind, \`key\`, \`hour\`, n FROM event_counts
  WHERE \`hour\` >= ${B_TS('judgeFrom')} AND \`hour\` < ${B_TS('to')} AND n >= @minCount AND kind IN ${IN}
), past AS (
  SELECT kind, \`key\`, \`hour\`, n FROM event_counts
  WHERE \`hour\` >= TIMESTAMP_SUB(${B_TS('judgeFrom')}, INTERVAL ${HISTORY_DAYS} DAY) AND \`hour\` < ${B_TS('to')} AND kind IN ${IN}
), hist AS (
  SELECT c.kind, c.\`key\`, c.\`hour\`, c.n, d, COALESCE(h.n, 0) AS v
  FROM cand AS c CROSS JOIN UNNEST([${LAGS.join(', ')}]) AS d
  LEFT JOIN past AS h ON h.kind = c.kind AND h.\`key\` = c.\`key\` AND h.\`hour\` = TIMESTAMP_SUB(c.\`hour\`, INTERVAL d DAY)
), base AS (
  SELECT kind, \`key\`, \`hour\`, n,
    (SUM(IF(d <= ${DAILY_MAX}, v, NULL)) - MAX(IF(d <= ${DAILY_MAX}, v, NULL))) / ${DAILY_LAGS.length - 1}.0 AS daily,
    SUM(IF(d IN (${WEEKLY}), v, NULL)) - MAX(IF(d IN (${WEEKLY}), v, NULL)) - MIN(IF(d IN (${WEEKLY}), v, NULL)) AS weekly
  FROM hist GROUP BY kind, \`key\`, \`hour\`, n
), judged AS (
  SELECT kind, \`key\`, \`hour\`, n AS observed, GREATEST(daily, weekly) AS expected FROM base
)
SELECT kind, \`key\`, \`hour\`, observed, expected, 2 * (SQRT(observed) - SQRT(expected)) AS score FROM judged
WHERE 2 * (SQRT(observed) - SQRT(expected)) >= @threshold AND observed >= @minRatio * expected
ORDER BY kind, \`key\`, \`hour\``,
  };
}

/**
 * Where the detector starts and what changed since its last run. Parameter `since` (ISO):
 * the newest collected_at / enriched_at it saw then. Returns lo (the oldest created_at of a
 * post or label that changed since), hi (the newest collected_at / enriched_at now) and first
 * (the oldest hour counted so far).
 */
export const CHANGED_SQL: DialectSql = {
  duckdb: `SELECT least((SELECT min(created_at) FROM posts WHERE collected_at > ${D_TS('since')}), (SELECT min(created_at) FROM post_nlp WHERE enriched_at > ${D_TS('since')})) AS lo,
  greatest((SELECT max(collected_at) FROM posts), (SELECT max(enriched_at) FROM post_nlp)) AS hi`,
  bigquery: `SELECT LEAST(
    IFNULL((SELECT MIN(created_at) FROM posts WHERE collected_at > ${B_TS('since')}), TIMESTAMP('9999-12-31 00:00:00+00')),
    IFNULL((SELECT MIN(created_at) FROM post_nlp WHERE enriched_at > ${B_TS('since')}), TIMESTAMP('9999-12-31 00:00:00+00'))) AS lo,
  GREATEST(IFNULL((SELECT MAX(collected_at) FROM posts), TIMESTAMP('0001-01-01 00:00:00+00')), IFNULL((SELECT MAX(enriched_at) FROM post_nlp), TIMESTAMP('0001-01-01 00:00:00+00'))) AS hi`,
};

/** Open events, and those whose hours reach into the window (params `from`, ISO): what a new spike may extend. */
export const NEARBY_EVENTS_SQL: DialectSql = {
  duckdb: `SELECT * FROM events WHERE status = 'open' OR last_seen_at >= ${D_TS('from')}`,
  bigquery: `SELECT * FROM events WHERE status = 'open' OR last_seen_at >= ${B_TS('from')}`,
};

/** Closes the open events with no spike since `closeBefore` (ISO); `now` is their updated_at. */
export const CLOSE_SQL: DialectSql = {
  duckdb: `UPDATE events SET status = 'closed', updated_at = ${D_TS('now')} WHERE status = 'open' AND last_seen_at < ${D_TS('closeBefore')}`,
  bigquery: `UPDATE events SET status = 'closed', updated_at = ${B_TS('now')} WHERE status = 'open' AND last_seen_at < ${B_TS('closeBefore')}`,
};

/** How many open events `CLOSE_SQL` would close (param `closeBefore`, ISO). */
export const TO_CLOSE_SQL: DialectSql = {
  duckdb: `SELECT count(*) AS n FROM events WHERE status = 'open' AND last_seen_at < ${D_TS('closeBefore')}`,
  bigquery: `SELECT COUNT(*) AS n FROM events WHERE status = 'open' AND last_seen_at < ${B_TS('closeBefore')}`,
};
