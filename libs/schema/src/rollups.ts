import type { TableSchema } from './types.ts';

// ---- Rollups: daily aggregates of posts (and their labels) that serve the dashboard's charts ----
// Each is keyed by the UTC day, the source and the language ('' when the source gave none),
// plus its own dimension, and is recomputed by the load for exactly the days it touched (see
// libs/warehouse/src/rollups.ts). Sums over days equal the raw queries' figures: distinct
// counts (authors) keep the author in the key, so that they stay exact across days.

const rollupKey = [
  { name: 'day', type: 'timestamp', required: true, description: 'the UTC day (midnight) the posts were published' },
  { name: 'source', type: 'string', required: true, description: 'the source' },
  { name: 'lang', type: 'string', required: true, description: "the post's language, '' when the source gave none" },
] as const;

export const rollupDaily = {
  name: 'rollup_daily',
  description: 'Posts and engagement per day, source, language and sentiment (dashboard headline, volume, sentiment, menus).',
  primaryKey: ['day', 'source', 'lang', 'sentiment'],
  partitionBy: 'day',
  clusterBy: ['source'],
  fields: [
    ...rollupKey,
    { name: 'sentiment', type: 'string', required: true, description: "negative, neutral, positive, '' when not labelled yet" },
    { name: 'posts', type: 'int64', required: true, description: 'posts' },
    { name: 'engagement', type: 'int64', required: true, description: 'sum of likes + reposts + replies + quotes + score' },
    { name: 'max_engagement', type: 'int64', required: true, description: "the most engaging post's engagement (bounds the trending and top-posts scans)" },
  ],
} as const satisfies TableSchema;

export const rollupTopicsDaily = {
  name: 'rollup_topics_daily',
  description: 'Topic labels per day, source and language (dashboard topics chart).',
  primaryKey: ['day', 'source', 'lang', 'topic'],
  partitionBy: 'day',
  clusterBy: ['source'],
  fields: [
    ...rollupKey,
    { name: 'topic', type: 'string', required: true, description: 'topic label' },
    { name: 'posts', type: 'int64', required: true, description: 'labels of that topic (one per post unless a post repeats it)' },
  ],
} as const satisfies TableSchema;

export const rollupAuthorsDaily = {
  name: 'rollup_authors_daily',
  description: 'Posts and engagement per day, source, language and author (headline authors, authors panel).',
  primaryKey: ['day', 'source', 'lang', 'author_id'],
  partitionBy: 'day',
  clusterBy: ['source'],
  fields: [
    ...rollupKey,
    { name: 'author_id', type: 'string', required: true, description: "the author's id at the source" },
    { name: 'posts', type: 'int64', required: true, description: 'posts' },
    { name: 'engagement', type: 'int64', required: true, description: 'sum of likes + reposts + replies + quotes + score' },
    { name: 'last_at', type: 'timestamp', required: true, description: "the author's latest post of the day" },
    { name: 'author_handle', type: 'string', required: true, description: 'the handle on that post' },
    { name: 'author_name', type: 'string', required: true, description: 'the display name on that post' },
  ],
} as const satisfies TableSchema;

export const rollupHashtagsDaily = {
  name: 'rollup_hashtags_daily',
  description: 'Posts per day, source, language, hashtag and author (hashtags panel: posts and distinct authors).',
  primaryKey: ['day', 'source', 'lang', 'tag', 'author_id'],
  partitionBy: 'day',
  clusterBy: ['source'],
  fields: [
    ...rollupKey,
    { name: 'tag', type: 'string', required: true, description: 'hashtag' },
    { name: 'author_id', type: 'string', required: true, description: "the author's id at the source" },
    { name: 'posts', type: 'int64', required: true, description: 'posts using the tag (a tag repeated in one post counts once)' },
  ],
} as const satisfies TableSchema;

export const rollupEntitiesDaily = {
  name: 'rollup_entities_daily',
  description: 'Entity mentions per day, source, language, type and spelling (entities panel).',
  primaryKey: ['day', 'source', 'lang', 'type', 'text'],
  partitionBy: 'day',
  clusterBy: ['source'],
  fields: [
    ...rollupKey,
    { name: 'type', type: 'string', required: true, description: 'a tweet-ner7 type' },
    { name: 'entity', type: 'string', required: true, description: 'the entity lowercased (the panel groups spellings by it)' },
    { name: 'text', type: 'string', required: true, description: 'one spelling, as written' },
    { name: 'mentions', type: 'int64', required: true, description: 'mentions written this way' },
    {
      name: 'posts',
      type: 'int64',
      required: true,
      description: 'posts whose first spelling (smallest) of the entity is this one: summed over spellings, the posts mentioning it',
    },
  ],
} as const satisfies TableSchema;

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
    fields: daily.fields.map((f) => (f.name === 'day' ? { ...f, description: 'the first day (midnight) of the UTC month the posts were published' } : f)),
  };
}

export const rollupMonthly = monthly(rollupDaily, 'rollup_monthly');
export const rollupAuthorsMonthly = monthly(rollupAuthorsDaily, 'rollup_authors_monthly');
export const rollupEntitiesMonthly = monthly(rollupEntitiesDaily, 'rollup_entities_monthly');

/** The rollup tables, in the order they are built (a monthly tier after its daily table, from which it is computed). */
export const ROLLUP_TABLES = [
  rollupDaily, rollupTopicsDaily, rollupAuthorsDaily, rollupHashtagsDaily, rollupEntitiesDaily,
  rollupMonthly, rollupAuthorsMonthly, rollupEntitiesMonthly,
] as const;
