import { col, table } from './columns.ts';
import type { Table, TableLayout } from './columns.ts';
import type { Field, TableSchema } from './types.ts';

// ---- Rollups: daily aggregates of posts (and their labels) that serve the dashboard's charts ----
// Each is keyed by the UTC day, the source and the language ('' when the source gave none),
// plus its own dimension, and is recomputed by the load for exactly the days it touched (see
// libs/warehouse/src/rollups.ts). Sums over days equal the raw queries' figures: distinct
// counts (authors) keep the author in the key, so that they stay exact across days.

const rollupKey = [
  col('day', 'timestamp', 'the UTC day (midnight) the posts were published'),
  col('source', 'string', 'the source'),
  col('lang', 'string', "the post's language, '' when the source gave none"),
] as const;

/** The columns of a rollup: the shared key, then its own. */
type Rollup<F extends readonly Field[]> = readonly [...typeof rollupKey, ...F];

/**
 * A daily rollup: keyed by day, source, language and its own `key` columns (among `fields`, which
 * follow those three), partitioned by day and clustered by source like the dashboard reads it.
 */
function rollup<const N extends string, const F extends readonly Field[]>(name: N, description: string, key: readonly F[number]['name'][], fields: F): Table<N, Rollup<F>> {
  // `key` is checked against `fields` by its type, and day, source and lang are rollupKey's (TypeScript
  // cannot follow the names through the spread of a generic tuple).
  const layout = { primaryKey: ['day', 'source', 'lang', ...key], partitionBy: 'day', clusterBy: ['source'] } as unknown as TableLayout<Rollup<F>>;
  return table<N, Rollup<F>>(name, description, layout, [...rollupKey, ...fields]);
}

export const rollupDaily = rollup('rollup_daily', 'Posts and engagement per day, source, language and sentiment (dashboard headline, volume, sentiment, menus).', ['sentiment'], [
  col('sentiment', 'string', "negative, neutral, positive, '' when not labelled yet"),
  col('posts', 'int64', 'posts'),
  col('engagement', 'int64', 'sum of likes + reposts + replies + quotes + score'),
  col('max_engagement', 'int64', "the most engaging post's engagement (bounds the trending and top-posts scans)"),
]);

export const rollupTopicsDaily = rollup('rollup_topics_daily', 'Topic labels per day, source and language (dashboard topics chart).', ['topic'], [
  col('topic', 'string', 'topic label'),
  col('posts', 'int64', 'labels of that topic (one per post unless a post repeats it)'),
]);

export const rollupAuthorsDaily = rollup('rollup_authors_daily', 'Posts and engagement per day, source, language and author (headline authors, authors panel).', ['author_id'], [
  col('author_id', 'string', "the author's id at the source"),
  col('author_key', 'int64', 'a fingerprint of source and author_id (63 bits in DuckDB, 64 in BigQuery): panels count and group authors by this one integer instead of two strings'),
  col('posts', 'int64', 'posts'),
  col('engagement', 'int64', 'sum of likes + reposts + replies + quotes + score'),
  col('last_at', 'timestamp', "the author's latest post of the day"),
  col('author_handle', 'string', 'the handle on that post'),
  col('author_name', 'string', 'the display name on that post'),
]);

export const rollupHashtagsDaily = rollup('rollup_hashtags_daily', 'Posts per day, source, language, hashtag and author (hashtags panel: posts and distinct authors).', ['tag', 'author_id'], [
  col('tag', 'string', 'hashtag'),
  col('author_id', 'string', "the author's id at the source"),
  col('author_key', 'int64', 'as rollup_authors_daily.author_key'),
  col('posts', 'int64', 'posts using the tag (a tag repeated in one post counts once)'),
]);

export const rollupEntitiesDaily = rollup('rollup_entities_daily', 'Entity mentions per day, source, language, type and spelling (entities panel).', ['type', 'text'], [
  col('type', 'string', 'a tweet-ner7 type'),
  col('entity', 'string', 'the entity lowercased (the panel groups spellings by it)'),
  col('text', 'string', 'one spelling, as written'),
  col('mentions', 'int64', 'mentions written this way'),
  col('posts', 'int64', 'posts whose first spelling (smallest) of the entity is this one: summed over spellings, the posts mentioning it'),
]);

export const rollupLinksDaily = rollup('rollup_links_daily', 'Posts per day, source, language, link and author, with the title of the most engaging titled post (links panel).', ['url', 'author_id'], [
  col('url', 'string', 'the link (a link repeated in one post counts once)'),
  col('author_id', 'string', "the author's id at the source"),
  col('posts', 'int64', 'posts sharing the link'),
  col('title', 'string?', "the link's title on the most engaging of them that has one (a story's title or a preview card's; ties: the smallest post_id), null when none has"),
  col('title_eng', 'int64?', "that post's engagement (likes + reposts + replies + quotes + score)"),
  col('title_post', 'string?', "that post's id"),
]);

/** How many posts rollup_top_posts_daily keeps per day, source and language: the most the top posts panel may show. */
export const TOP_POSTS_PER_DAY = 10;

export const rollupTopPostsDaily = rollup('rollup_top_posts_daily', `The ${TOP_POSTS_PER_DAY} most engaging posts per day, source and language (top posts panel).`, ['post_id'], [
  col('post_id', 'string', `one of the day's ${TOP_POSTS_PER_DAY} most engaging posts of that source and language (engagement, then the smallest post_id)`),
  col('created_at', 'timestamp', 'when it was published'),
  col('eng', 'int64', 'its engagement: likes + reposts + replies + quotes + score'),
]);

/**
 * The monthly tier of a daily rollup: the same columns and key, with `day` the first day of
 * the UTC month (midnight), each row the sum of that month's daily rows. A view reads the
 * months it covers whole from here (a year: 12 rows per key instead of 365), the rest of its
 * whole days from the daily table. Only the panels that sum over the period use them (the
 * headline, authors, entities, menus); the charts need days. rollup_hashtags_daily has none:
 * its rows are per author and tag, and on the benchmark's data a month of them is nearly as
 * many as its days' (15.3M against 19.4M for a year), so a tier would cost the load without
 * saving the reads; nor has rollup_topics_daily (read only by the topics chart, per day).
 */
function monthly<T extends TableSchema>(daily: T, name: string): TableSchema {
  return {
    ...daily,
    name,
    description: `${daily.description.replace(' per day,', ' per month,')} Monthly tier of ${daily.name}.`,
    fields: daily.fields.map((f: Field) => (f.name === 'day' ? { ...f, description: 'the first day (midnight) of the UTC month the posts were published' } : f)),
  };
}

export const rollupMonthly = monthly(rollupDaily, 'rollup_monthly');
export const rollupAuthorsMonthly = monthly(rollupAuthorsDaily, 'rollup_authors_monthly');
export const rollupEntitiesMonthly = monthly(rollupEntitiesDaily, 'rollup_entities_monthly');

/**
 * The hourly tier of a daily rollup: the same columns and key, with `day` the start of the UTC
 * hour. It serves only a view's partial days: a view that ends now starts and ends mid-day, and
 * its edges were the rollup's SELECT over up to a day of posts each; with this tier they read
 * the whole hours of those days from here and at most an hour of posts at each end. On the
 * benchmark's year of 10M posts the small rollups grow by up to 24 times (rollup_daily 38k rows,
 * rollup_hourly 919k), rollup_authors_hourly to 9.8M rows against 8.3M daily. rollup_hashtags_daily
 * and rollup_links_daily have none: their panels' edge days cost about what their hours would
 * (measured: 78 against 71 ms and 84 against 89 ms for a 30-day view starting at noon), for 20M
 * and 3M rows more, and every page pays DuckDB's planning of each branch a tier adds.
 */
function hourly<T extends TableSchema>(daily: T, name: string): TableSchema {
  return {
    ...daily,
    name,
    description: `${daily.description.replace(' per day,', ' per hour,').replace(/ \([^)]*\)\.$/, '')}: the hourly tier of ${daily.name}, for the partial days at a view's edges.`,
    fields: daily.fields.map((f: Field) => (f.name === 'day' ? { ...f, description: 'the start of the UTC hour the posts were published' } : f)),
  };
}

export const rollupHourly = hourly(rollupDaily, 'rollup_hourly');
export const rollupTopicsHourly = hourly(rollupTopicsDaily, 'rollup_topics_hourly');
export const rollupAuthorsHourly = hourly(rollupAuthorsDaily, 'rollup_authors_hourly');
export const rollupEntitiesHourly = hourly(rollupEntitiesDaily, 'rollup_entities_hourly');
export const rollupTopPostsHourly = hourly(rollupTopPostsDaily, 'rollup_top_posts_hourly');

/**
 * The span of each (hashtag, source, author) pair over all time: its first and last UTC day and
 * its posts, summed from rollup_hashtags_daily (every language). A view's whole days [lo, hi)
 * then count every pair that lies entirely inside them (lo <= first_day, last_day < hi) from one
 * row each, posts and one author, without reading its days; only the pairs that straddle a bound
 * need their daily rows. A long view counts distinct authors per tag without grouping the
 * millions of daily rows by author (at 10M posts: 4.6M pairs against 19.4M rows for a year).
 * Not keyed by day: a load recomputes the pairs of the days it touched from the daily rows.
 */
export const rollupHashtagSpans = table(
  'rollup_hashtag_spans',
  'First and last day and posts of each hashtag, source and author, over all time (hashtags panel over long views).',
  { primaryKey: ['tag', 'source', 'author_id'], clusterBy: ['tag', 'source'] },
  [
    col('tag', 'string', 'hashtag'),
    col('source', 'string', 'the source'),
    col('author_id', 'string', "the author's id at the source"),
    col('author_key', 'int64', 'as rollup_authors_daily.author_key'),
    col('first_day', 'timestamp', 'the first UTC day (midnight) the author used the tag on that source'),
    col('last_day', 'timestamp', 'the last UTC day (midnight) the author used the tag on that source'),
    col('posts', 'int64', 'posts using the tag, all days and languages (a tag repeated in one post counts once)'),
  ],
);

/**
 * The span of each link over all time: its first and last UTC day and its posts, summed from
 * rollup_links_daily (every source and language). As rollup_hashtag_spans: a long view without a
 * source or language filter counts a link that lies within its whole days from its one row; at
 * 10M posts a year has 1.19M links in 3.0M daily rows.
 */
export const rollupLinkSpans = table(
  'rollup_link_spans',
  'First and last day and posts of each link, over all time (links panel over long views).',
  { primaryKey: ['url'] },
  [
    col('url', 'string', 'the link'),
    col('first_day', 'timestamp', 'the first UTC day (midnight) a post shared it'),
    col('last_day', 'timestamp', 'the last UTC day (midnight) a post shared it'),
    col('posts', 'int64', 'posts sharing it, all days, sources and languages (a link repeated in one post counts once)'),
  ],
);

/**
 * Each observed post's last two observations (post_metrics), over all time: Rising now's gain per
 * hour, computed once per post by the load instead of by every page from the period's
 * observations (DuckDB only; see postGainsDuckdb in libs/warehouse/src/rollups.ts). A post
 * observed once has a row without a gain: its first and last observation bound the scan of
 * post_metrics for its sparkline.
 */
export const rollupPostGains = table(
  'rollup_post_gains',
  "Each post's gain per hour between its last two observations, and whether the last found it deleted (Rising now).",
  { primaryKey: ['post_id'], partitionBy: 'created_at' },
  [
    col('post_id', 'string', 'the post'),
    col('source', 'string', "the post's source"),
    col('lang', 'string', "the post's language, '' when the source gave none (or the post is not loaded yet)"),
    col('created_at', 'timestamp?', 'when the post was published (its posts row; null until the post is loaded)'),
    col('first_at', 'timestamp', 'its first observation'),
    col('last_at', 'timestamp', 'its last observation'),
    col('gain', 'float64?', 'engagement gained per hour between its last two observations (null with one)'),
    col('gone', 'bool', 'whether its last observation found it deleted'),
  ],
);

/** How many posts rollup_top_gains_daily keeps per day, source and language: the most Rising now may show. */
export const TOP_GAINS_PER_DAY = 15;

/**
 * Per day (of created_at), source and language, the gains of rollup_post_gains summed: Rising
 * now's mean gain over a view's whole days without reading each post's (DuckDB only). The sum is
 * of integers (each gain above zero rounded to millionths), so sums over days equal the sum over
 * posts exactly. The earliest and latest observation of the posts with a gain or found deleted
 * tell a view whether any of the day's posts was observed outside it (then the day's gains are
 * recomputed from the view's observations), without reading the posts' rows.
 */
export const rollupGainsDaily = rollup('rollup_gains_daily', "Rising now's gains summed per day, source and language (its mean gain).", [], [
  col('gain_micros', 'int64', 'the sum of the gains above zero of the posts that have one and are not gone, each in millionths (rounded)'),
  col('gains', 'int64', 'how many posts have a gain and are not gone (0 when all of those with one were found deleted)'),
  col('first_at', 'timestamp', 'the earliest first observation of the posts with a gain or found deleted (a day without such a post has no row)'),
  col('last_at', 'timestamp', 'the latest last observation of the posts with a gain or found deleted'),
]);

/** The TOP_GAINS_PER_DAY highest gains per day, source and language (DuckDB only): Rising now's candidates over a view's whole days. */
export const rollupTopGainsDaily = rollup('rollup_top_gains_daily', `The ${TOP_GAINS_PER_DAY} posts with the highest gains per day, source and language (Rising now).`, ['post_id'], [
  col('post_id', 'string', `one of the day's ${TOP_GAINS_PER_DAY} posts with the highest gain above zero (ties, and gains of zero or less: the smallest post_id), not gone`),
  col('created_at', 'timestamp', 'when it was published'),
  col('gain', 'float64', 'its gain per hour'),
  col('first_at', 'timestamp', 'its first observation (bounds the scan for its sparkline)'),
  col('last_at', 'timestamp', 'its last observation'),
]);

/** The rollup tables, in the order they are built (a monthly tier or span table after its daily table, from which it is computed). */
export const ROLLUP_TABLES = [
  rollupDaily, rollupTopicsDaily, rollupAuthorsDaily, rollupHashtagsDaily, rollupEntitiesDaily,
  rollupMonthly, rollupAuthorsMonthly, rollupEntitiesMonthly, rollupHashtagSpans, rollupLinksDaily, rollupLinkSpans, rollupTopPostsDaily,
  rollupHourly, rollupTopicsHourly, rollupAuthorsHourly, rollupEntitiesHourly, rollupTopPostsHourly,
] as const;

/** Rising now's tables, which only the DuckDB warehouse keeps, in the order they are built. */
export const DUCKDB_GAIN_TABLES: readonly TableSchema[] = [rollupPostGains, rollupGainsDaily, rollupTopGainsDaily];
