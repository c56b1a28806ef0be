import type { DialectSql, LoadPartitions, Warehouse } from './types.ts';

/**
 * Stories across networks, computed in the warehouse (both dialects side by side, never by
 * reading posts into Node). Every post belongs to exactly one story; posts join a story when
 * they share one of its keys:
 *
 *   `u:<canonical link>`   the post's primary link (HN `url`, Reddit's link, Bluesky's external
 *                          embed, X's `unwound_url`, Mastodon's card or first link: the first
 *                          entry of posts.links), canonicalized by canonicalUrlSql
 *   `t<b>:<hash>`          band b of a MinHash signature of the post's text (word 3-shingles):
 *                          near-identical text (cross-posts) shares at least one band
 *
 * Incremental: a run assigns only posts not yet in story_posts (within the load's days on
 * BigQuery). A new post joins the story that already owns one of its keys (a link before a
 * text band, then the smaller id); posts of the same run that share keys form one new story,
 * its id derived from its earliest post (its canonical link, or its post_id). Existing
 * assignments never change, so stories never split or renumber; the first story to own a key
 * keeps it.
 */

/** Sources whose links are not a post's subject (Stack Exchange questions cite documentation). */
export const STORY_LINKLESS_SOURCES = ['stackexchange'] as const;
/** Query parameters that only track where a click came from, dropped from canonical links (any case). */
const TRACKING_RE = '^(utm_[^=]*|fbclid|gclid|ref|ref_src)(=|$)';

/** Words a text needs (after links and mentions are removed) to have text keys: shorter texts are too generic to match on. */
export const MINHASH_MIN_WORDS = 8;
/** Words per shingle. */
export const SHINGLE_WORDS = 3;
/** LSH bands and MinHash values per band: 4 × 6 = 24 hash functions. */
export const LSH_BANDS = 4;
export const LSH_ROWS = 6;
/**
 * The Jaccard similarity (of word 3-shingle sets) at which two texts share a band with
 * probability about one half: (1/b)^(1/r) ≈ 0.79. P(match) = 1 − (1 − s^r)^b: identical
 * texts always match, s = 0.9 → 95%, s = 0.8 → 70%, s = 0.5 → 6%, s = 0.3 → 0.3%.
 */
export const NEAR_DUPLICATE_THRESHOLD = Math.pow(1 / LSH_BANDS, 1 / LSH_ROWS);
/** Rounds of label propagation that join the posts of one run sharing keys (chains up to this many hops). */
export const PROPAGATION_ROUNDS = 4;

type Dialect = 'duckdb' | 'bigquery';

/** Engagement of a post (as the dashboard's panels count it). */
const ENG = `(COALESCE(p.like_count, 0) + COALESCE(p.repost_count, 0) + COALESCE(p.reply_count, 0) + COALESCE(p.quote_count, 0) + COALESCE(p.score, 0))`;

/**
 * The canonical form of the link in SQL expression `u`: scheme and host lower-cased, `http`
 * folded into `https`, `www.` and a default port dropped from the host, the fragment, the
 * tracking parameters (utm_*, fbclid, gclid, ref, ref_src) and trailing slashes of the path
 * removed; other parameters kept in their order. NULL when `u` is not `scheme://host…`.
 */
export function canonicalUrlSql(u: string, dialect: Dialect): string {
  if (dialect === 'duckdb') {
    const g = (n: number) => `regexp_extract(${u}, '^\\s*([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(\\?[^#]*)?', ${n})`;
    const scheme = `CASE lower(${g(1)}) WHEN 'http' THEN 'https' ELSE lower(${g(1)}) END`;
    const host = `regexp_replace(regexp_replace(lower(${g(2)}), '^www\\.', ''), ':(80|443)$', '')`;
    const path = `regexp_replace(${g(3)}, '/+$', '')`;
    const query = `array_to_string([x FOR x IN string_split(substr(${g(4)}, 2), '&') IF x <> '' AND NOT regexp_matches(lower(x), '${TRACKING_RE}')], '&')`;
    return `(CASE WHEN ${g(2)} = '' THEN NULL ELSE ${scheme} || '://' || ${host} || ${path} || CASE WHEN ${query} = '' THEN '' ELSE '?' || ${query} END END)`;
  }
  const head = `^\\s*[A-Za-z][A-Za-z0-9+.\\-]*://`;
  const g1 = `IFNULL(REGEXP_EXTRACT(${u}, r'^\\s*([A-Za-z][A-Za-z0-9+.\\-]*)://'), '')`;
  const g2 = `IFNULL(REGEXP_EXTRACT(${u}, r'${head}([^/?#]*)'), '')`;
  const g3 = `IFNULL(REGEXP_EXTRACT(${u}, r'${head}[^/?#]*([^?#]*)'), '')`;
  const g4 = `IFNULL(REGEXP_EXTRACT(${u}, r'${head}[^?#]*\\?([^#]*)'), '')`;
  const scheme = `IF(LOWER(${g1}) = 'http', 'https', LOWER(${g1}))`;
  const host = `REGEXP_REPLACE(REGEXP_REPLACE(LOWER(${g2}), r'^www\\.', ''), r':(80|443)$', '')`;
  const path = `REGEXP_REPLACE(${g3}, r'/+$', '')`;
  const query = `ARRAY_TO_STRING(ARRAY(SELECT x FROM UNNEST(SPLIT(${g4}, '&')) AS x WITH OFFSET AS o WHERE x <> '' AND NOT REGEXP_CONTAINS(LOWER(x), r'${TRACKING_RE}') ORDER BY o), '&')`;
  return `(CASE WHEN ${g2} = '' THEN NULL ELSE CONCAT(${scheme}, '://', ${host}, ${path}, IF(${query} = '', '', CONCAT('?', ${query}))) END)`;
}

/** The words of a post's title and text: lower-cased, links and @mentions removed, split on anything not a letter or digit. */
function wordsSql(d: Dialect): string {
  return d === 'duckdb'
    ? `string_split(trim(regexp_replace(regexp_replace(lower(COALESCE(p.title, '') || ' ' || p.text), 'https?://\\S+|@\\S+', ' ', 'g'), '[^\\p{L}\\p{N}]+', ' ', 'g')), ' ')`
    : `SPLIT(TRIM(REGEXP_REPLACE(REGEXP_REPLACE(LOWER(CONCAT(IFNULL(p.title, ''), ' ', p.text)), r'https?://\\S+|@\\S+', ' '), r'[^\\p{L}\\p{N}]+', ' ')), ' ')`;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The text keys of the posts in CTE `tx(post_id, w)` (w: the words), as CTE text `tk(post_id, tkeys)`.
 * MinHash: value i is the minimum over the post's distinct shingles of a seeded 64-bit hash
 * (DuckDB `hash(shingle, i)`, BigQuery `FARM_FINGERPRINT`), band b hashes values 6b..6b+5.
 */
function textKeysSql(d: Dialect): string {
  const k = LSH_BANDS * LSH_ROWS;
  const n = SHINGLE_WORDS;
  if (d === 'duckdb') {
    const shingle = range(n).map((j) => `w[i + ${j}]`).join(` || ' ' || `);
    const mins = range(k).map((i) => `list_min([hash(s, ${i}) FOR s IN sh]) AS m${i}`).join(', ');
    const bands = range(LSH_BANDS).map((b) => `'t${b}:' || hash(${range(LSH_ROWS).map((r) => `m${b * LSH_ROWS + r}`).join(', ')})`).join(', ');
    return `sg AS (SELECT post_id, list_distinct([${shingle} FOR i IN range(1, len(w) - ${n - 2})]) AS sh FROM tx WHERE len(w) >= ${MINHASH_MIN_WORDS}),
mh AS (SELECT post_id, ${mins} FROM sg),
tk AS (SELECT post_id, [${bands}] AS tkeys FROM mh)`;
  }
  const shingle = range(n).map((j) => `w[OFFSET(i + ${j})]`).join(`, ' ', `);
  const mins = range(k).map((i) => `MIN(FARM_FINGERPRINT(CONCAT('${i}:', s))) AS m${i}`).join(', ');
  const bands = range(LSH_BANDS)
    .map((b) => `CONCAT('t${b}:', CAST(FARM_FINGERPRINT(FORMAT('${range(LSH_ROWS).map(() => '%d').join(' ')}', ${range(LSH_ROWS).map((r) => `m.m${b * LSH_ROWS + r}`).join(', ')})) AS STRING))`)
    .join(', ');
  return `sg AS (SELECT post_id, ARRAY(SELECT DISTINCT CONCAT(${shingle}) FROM UNNEST(GENERATE_ARRAY(0, ARRAY_LENGTH(w) - ${n})) AS i) AS sh FROM tx WHERE ARRAY_LENGTH(w) >= ${MINHASH_MIN_WORDS}),
mh AS (SELECT post_id, (SELECT AS STRUCT ${mins} FROM UNNEST(sg.sh) AS s) AS m FROM sg),
tk AS (SELECT post_id, [${bands}] AS tkeys FROM mh)`;
}

/** The day bound of a run (parameters `from`, `to`) on the created_at of alias `a`. */
const bound = (d: Dialect, a: string) =>
  d === 'duckdb'
    ? `${a}.created_at >= CAST($from AS TIMESTAMPTZ) AND ${a}.created_at < CAST($to AS TIMESTAMPTZ)`
    : `${a}.created_at >= TIMESTAMP(@from) AND ${a}.created_at < TIMESTAMP(@to)`;

/**
 * Assigns every post of the bound not yet in story_posts (parameters from, to, now). One
 * statement: keys of the new posts, labels from the key index (existing stories) and from
 * each other (label propagation, PROPAGATION_ROUNDS rounds), then the story of each label.
 */
function assignSql(d: Dialect): string {
  const duck = d === 'duckdb';
  const canon = canonicalUrlSql(duck ? 'p.links[1]' : 'p.links[SAFE_OFFSET(0)]', d);
  const linkless = STORY_LINKLESS_SOURCES.map((s) => `'${s}'`).join(', ');
  const hasLink = duck ? `len(p.links) > 0` : `ARRAY_LENGTH(p.links) > 0`;
  const title = duck
    ? `COALESCE(NULLIF(trim(p.title), ''), NULLIF(left(trim(p.text), 140), ''))`
    : `COALESCE(NULLIF(TRIM(p.title), ''), NULLIF(SUBSTR(TRIM(p.text), 1, 140), ''))`;
  // A label orders what a post may join: '0a<id>' an existing story by link, '0b<id>' by text, then '1<created_at><post_id>' a new post.
  const ownLabel = duck
    ? `'1' || strftime(created_at, '%Y%m%dT%H%M%S.%f') || post_id`
    : `CONCAT('1', FORMAT_TIMESTAMP('%Y%m%dT%H%M%E6S', created_at, 'UTC'), post_id)`;
  const existingLabel = duck
    ? `'0' || CASE WHEN starts_with(s.key, 'u:') THEN 'a' ELSE 'b' END || s.story_id`
    : `CONCAT('0', IF(STARTS_WITH(s.key, 'u:'), 'a', 'b'), s.story_id)`;
  const keysOf = duck
    ? `list_concat(CASE WHEN n.canonical_url IS NULL THEN [] ELSE ['u:' || n.canonical_url] END, COALESCE(tk.tkeys, []))`
    : `ARRAY_CONCAT(IF(n.canonical_url IS NULL, [], ['u:' || n.canonical_url]), IFNULL(tk.tkeys, []))`;
  const nk = duck ? `SELECT post_id, unnest(keys) AS key FROM kp` : `SELECT post_id, key FROM kp, UNNEST(keys) AS key`;
  const rounds = range(PROPAGATION_ROUNDS).map((i) => {
    const r = i + 1;
    return `k${r} AS (SELECT key, MIN(label) AS label FROM (SELECT nk.key, l.label FROM nk JOIN l${i} AS l USING (post_id) UNION ALL SELECT key, label FROM ek) AS x GROUP BY key),
l${r} AS (SELECT l.post_id, LEAST(l.label, COALESCE(MIN(k.label), l.label)) AS label FROM l${i} AS l LEFT JOIN nk USING (post_id) LEFT JOIN k${r} AS k USING (key) GROUP BY l.post_id, l.label)`;
  });
  const md5 = (x: string) => (duck ? `substr(md5(${x}), 1, 16)` : `SUBSTR(TO_HEX(MD5(${x})), 1, 16)`);
  const seedKey = duck
    ? `CASE WHEN s.canonical_url IS NOT NULL THEN 'u:' || s.canonical_url ELSE 'p:' || s.post_id END`
    : `IF(s.canonical_url IS NOT NULL, CONCAT('u:', s.canonical_url), CONCAT('p:', s.post_id))`;
  const last = `l${PROPAGATION_ROUNDS}`;
  const now = duck ? `CAST($now AS TIMESTAMPTZ)` : `TIMESTAMP(@now)`;
  return `INSERT INTO story_posts (story_id, post_id, source, created_at, canonical_url, title, engagement, keys, updated_at)
WITH np AS (
  SELECT p.post_id, p.source, p.created_at, p.title, p.text, ${ENG} AS engagement, ${title} AS title_or_text,
         CASE WHEN p.source NOT IN (${linkless}) AND ${hasLink} THEN ${canon} END AS canonical_url
  FROM posts AS p
  WHERE ${bound(d, 'p')}
    AND p.post_id NOT IN (SELECT sp.post_id FROM story_posts AS sp WHERE ${bound(d, 'sp')})),
tx AS (SELECT p.post_id, ${wordsSql(d)} AS w FROM np AS p),
${textKeysSql(d)},
kp AS (SELECT n.*, ${keysOf} AS keys FROM np AS n LEFT JOIN tk USING (post_id)),
nk AS (${nk}),
ek AS (SELECT s.key, ${existingLabel} AS label FROM story_keys AS s WHERE s.key IN (SELECT key FROM nk)),
l0 AS (SELECT post_id, ${ownLabel} AS label FROM kp),
${rounds.join(',\n')}
SELECT CASE WHEN ${duck ? `starts_with(f.label, '0')` : `STARTS_WITH(f.label, '0')`} THEN SUBSTR(f.label, 3) ELSE ${md5(seedKey)} END AS story_id,
       n.post_id, n.source, n.created_at, n.canonical_url, n.title_or_text, n.engagement, n.keys, ${now}
FROM ${last} AS f JOIN kp AS n USING (post_id)
LEFT JOIN l0 AS o ON o.label = f.label
LEFT JOIN kp AS s ON s.post_id = o.post_id`;
}

/** New engagement of posts already in a story, for posts the run loaded again (parameters from, to, since, now). */
function refreshSql(d: Dialect): string {
  if (d === 'duckdb') {
    return `UPDATE story_posts AS sp SET engagement = p.eng, updated_at = CAST($now AS TIMESTAMPTZ)
FROM (SELECT p.post_id, ${ENG} AS eng FROM posts AS p WHERE ${bound(d, 'p')} AND p.collected_at > CAST($since AS TIMESTAMPTZ)) AS p
WHERE sp.post_id = p.post_id AND ${bound(d, 'sp')} AND sp.engagement <> p.eng`;
  }
  return `UPDATE story_posts AS sp SET engagement = p.eng, updated_at = TIMESTAMP(@now)
FROM (SELECT p.post_id, ${ENG} AS eng FROM posts AS p WHERE ${bound(d, 'p')} AND p.collected_at > TIMESTAMP(@since)) AS p
WHERE sp.post_id = p.post_id AND ${bound(d, 'sp')} AND sp.engagement <> p.eng`;
}

/** Keys of the rows assigned since the last completed run, each to the first story that has it (parameter since). */
function keysSql(d: Dialect): string {
  if (d === 'duckdb') {
    // A LEFT JOIN rather than NOT IN: DuckDB then builds its hash table on the run's few keys
    // and probes story_keys, instead of hashing every key there (measured at 1M posts, 4M keys:
    // 0.7–0.8 s against 55–70 ms, the same rows).
    return `INSERT INTO story_keys (key, story_id)
SELECT k.key, min(k.story_id) FROM (SELECT unnest(keys) AS key, story_id FROM story_posts WHERE updated_at > CAST($since AS TIMESTAMPTZ)) AS k
LEFT JOIN story_keys AS s ON s.key = k.key WHERE s.key IS NULL GROUP BY k.key`;
  }
  return `INSERT INTO story_keys (key, story_id)
SELECT key, MIN(story_id) FROM story_posts AS sp, UNNEST(sp.keys) AS key
WHERE sp.updated_at > TIMESTAMP(@since) AND key NOT IN (SELECT k.key FROM story_keys AS k) GROUP BY key`;
}

/**
 * The rows of stories that the run changed, recomputed from story_posts (parameters since, now):
 * counts, days, networks and engagement over all their posts; link and title kept once set,
 * else those of the earliest post of the run that has one.
 */
function storiesSql(d: Dialect): string {
  if (d === 'duckdb') {
    return `INSERT OR REPLACE INTO stories (story_id, canonical_url, title, first_seen, last_seen, posts, sources, engagement, updated_at)
WITH changed AS (SELECT DISTINCT story_id FROM story_posts WHERE updated_at > CAST($since AS TIMESTAMPTZ)),
agg AS (
  SELECT sp.story_id, min(sp.created_at) AS first_seen, max(sp.created_at) AS last_seen, count(*) AS posts,
         list_sort(list_distinct(list(sp.source))) AS sources, sum(sp.engagement) AS engagement
  FROM story_posts AS sp WHERE sp.story_id IN (SELECT story_id FROM changed) GROUP BY sp.story_id),
fresh AS (
  SELECT story_id,
         (list(canonical_url ORDER BY created_at, post_id) FILTER (WHERE canonical_url IS NOT NULL))[1] AS canonical_url,
         (list(title ORDER BY created_at, post_id) FILTER (WHERE title IS NOT NULL))[1] AS title
  FROM story_posts WHERE updated_at > CAST($since AS TIMESTAMPTZ) GROUP BY story_id)
SELECT a.story_id, COALESCE(s.canonical_url, f.canonical_url), COALESCE(s.title, f.title), a.first_seen, a.last_seen, a.posts, a.sources,
       a.engagement, CAST($now AS TIMESTAMPTZ)
FROM agg AS a LEFT JOIN stories AS s USING (story_id) LEFT JOIN fresh AS f USING (story_id)`;
  }
  return `MERGE INTO stories AS t
USING (
  WITH changed AS (SELECT DISTINCT story_id FROM story_posts WHERE updated_at > TIMESTAMP(@since)),
  agg AS (
    SELECT sp.story_id, MIN(sp.created_at) AS first_seen, MAX(sp.created_at) AS last_seen, COUNT(*) AS posts,
           ARRAY_AGG(DISTINCT sp.source ORDER BY sp.source) AS sources, SUM(sp.engagement) AS engagement
    FROM story_posts AS sp WHERE sp.story_id IN (SELECT story_id FROM changed) GROUP BY sp.story_id),
  fresh AS (
    SELECT story_id,
           ARRAY_AGG(canonical_url IGNORE NULLS ORDER BY created_at, post_id LIMIT 1)[SAFE_OFFSET(0)] AS canonical_url,
           ARRAY_AGG(title IGNORE NULLS ORDER BY created_at, post_id LIMIT 1)[SAFE_OFFSET(0)] AS title
    FROM story_posts WHERE updated_at > TIMESTAMP(@since) GROUP BY story_id)
  SELECT a.story_id, IFNULL(s.canonical_url, f.canonical_url) AS canonical_url, IFNULL(s.title, f.title) AS title,
         a.first_seen, a.last_seen, a.posts, a.sources, a.engagement
  FROM agg AS a LEFT JOIN stories AS s USING (story_id) LEFT JOIN fresh AS f USING (story_id)
) AS u
ON t.story_id = u.story_id
WHEN MATCHED THEN
  UPDATE SET canonical_url = u.canonical_url, title = u.title, first_seen = u.first_seen, last_seen = u.last_seen, posts = u.posts,
             sources = u.sources, engagement = u.engagement, updated_at = TIMESTAMP(@now)
WHEN NOT MATCHED THEN
  INSERT (story_id, canonical_url, title, first_seen, last_seen, posts, sources, engagement, updated_at)
  VALUES (u.story_id, u.canonical_url, u.title, u.first_seen, u.last_seen, u.posts, u.sources, u.engagement, TIMESTAMP(@now))`;
}

/**
 * The statements of one stories run, in order. Parameters: `from`, `to` (the days of posts to
 * look at: the load's partitions), `since` (the `now` of the last completed run), `now`.
 * Each statement is idempotent: after a crash, the next run redoes what is missing.
 */
export const STORIES_SQL = {
  refresh: { duckdb: refreshSql('duckdb'), bigquery: refreshSql('bigquery') },
  assign: { duckdb: assignSql('duckdb'), bigquery: assignSql('bigquery') },
  keys: { duckdb: keysSql('duckdb'), bigquery: keysSql('bigquery') },
  stories: { duckdb: storiesSql('duckdb'), bigquery: storiesSql('bigquery') },
} satisfies Record<string, DialectSql>;

/** Warehouse state key: the `now` of the last completed stories run. */
export const STORIES_WATERMARK = 'stories.done';

const EPOCH = '1970-01-01T00:00:00.000Z';
const ALL_TIME: LoadPartitions = { from: '0001-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' };

export interface StoriesResult {
  /** Posts assigned to a story by this run (new posts). */
  assigned: number;
  /** Stories whose row this run wrote (new or changed). */
  stories: number;
  /** Of those, stories that did not exist before. */
  created: number;
}


/**
 * Runs the stories statements over the posts of `partitions` (a load's days; absent: every
 * post; null: none new, only the repair of an interrupted run), plus every post still without a
 * story when there is one (an earlier run that failed). DuckDB runs them in one transaction;
 * BigQuery one after the other (each idempotent, the watermark moved last).
 */
export async function updateStories(w: Warehouse, opts: { now: Date; partitions?: LoadPartitions | null }): Promise<StoriesResult> {
  const since = (await w.getState(STORIES_WATERMARK)) ?? EPOCH;
  // Strictly after the last run (a clock that stepped back must not hide this run's rows from its own later statements).
  const now = new Date(Math.max(opts.now.getTime(), Date.parse(since) + 1)).toISOString();
  const p = opts.partitions === undefined ? ALL_TIME : opts.partitions;
  const params = { from: p?.from ?? EPOCH, to: p?.to ?? EPOCH, since, now };
  const duck = w.kind === 'duckdb';
  const count = async (table: string) => (await w.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? 0;
  if (duck) await w.query('BEGIN TRANSACTION');
  try {
    const [storiesBefore, postsBefore] = [await count('stories'), await count('story_posts')];
    await w.query(STORIES_SQL.refresh, params);
    await w.query(STORIES_SQL.assign, { from: params.from, to: params.to, now });
    // A bounded run also assigns what an earlier run left (one that failed after its load, whose
    // days this load may not touch). Posts are never deleted and each has at most one story, so
    // the posts that still have none are the difference of two counts, which both backends
    // answer from table metadata; only then is the whole table read.
    if (p !== ALL_TIME && (await count('posts')) > (await count('story_posts'))) {
      await w.query(STORIES_SQL.assign, { from: ALL_TIME.from, to: ALL_TIME.to, now });
    }
    // Keys and story rows come from the rows written since the last run; when there is none
    // (an idle load) both would still read every key of story_keys to find nothing.
    const [touched] = await w.query<{ n: number }>(
      { duckdb: `SELECT count(*) AS n FROM story_posts WHERE updated_at > CAST($since AS TIMESTAMPTZ)`, bigquery: `SELECT COUNT(*) AS n FROM story_posts WHERE updated_at > TIMESTAMP(@since)` },
      { since },
    );
    if (touched?.n) {
      await w.query(STORIES_SQL.keys, { since });
      await w.query(STORIES_SQL.stories, { since, now });
    }
    const [changed] = await w.query<{ n: number }>(
      { duckdb: `SELECT count(*) AS n FROM stories WHERE updated_at = CAST($now AS TIMESTAMPTZ)`, bigquery: `SELECT COUNT(*) AS n FROM stories WHERE updated_at = TIMESTAMP(@now)` },
      { now },
    );
    const result = { assigned: (await count('story_posts')) - postsBefore, stories: changed?.n ?? 0, created: (await count('stories')) - storiesBefore };
    // Moved last (inside the transaction on DuckDB): an interrupted run is redone from the same watermark.
    await w.setState(STORIES_WATERMARK, now);
    if (duck) await w.query('COMMIT');
    return result;
  } catch (e) {
    if (duck) await w.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
