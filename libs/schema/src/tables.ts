import { ROLLUP_TABLES } from './rollups.ts';
import type { TableSchema } from './types.ts';

/** The kinds of post a source may report. */
export const POST_KINDS = ['post', 'reply', 'repost', 'quote', 'story', 'question'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export const SOURCE_NAMES = ['mastodon', 'hackernews', 'bluesky', 'reddit', 'x', 'stackexchange'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Entity types of tweet-ner7, which the NLP enricher maps every model onto. */
export const ENTITY_TYPES = [
  'corporation',
  'product',
  'person',
  'location',
  'event',
  'group',
  'creative_work',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const RUN_STATUSES = ['running', 'ok', 'partial', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const posts = {
  name: 'posts',
  description: 'One row per post, in its latest known state (newest metrics win).',
  primaryKey: ['post_id'],
  partitionBy: 'created_at',
  // Dashboard queries filter on time first (partition pruning) and then on source.
  clusterBy: ['source'],
  fields: [
    { name: 'post_id', type: 'string', required: true, description: '`source:native_id`, stable across runs' },
    { name: 'source', type: 'string', required: true, description: 'mastodon, hackernews, bluesky, reddit, x, stackexchange' },
    { name: 'native_id', type: 'string', required: true, description: 'the id the source gives the post' },
    { name: 'url', type: 'string', required: true, description: 'where a person reads the post' },
    { name: 'kind', type: 'string', required: true, description: 'post, reply, repost, quote, story, question' },
    { name: 'parent_id', type: 'string', required: false, description: 'post_id of the post this one answers, reposts or quotes' },
    { name: 'conversation_id', type: 'string', required: false, description: 'post_id of the thread root, where the source says' },
    { name: 'author_id', type: 'string', required: true, description: "the author's id at the source" },
    { name: 'author_handle', type: 'string', required: true, description: 'the handle, e.g. alice@mastodon.social' },
    { name: 'author_name', type: 'string', required: true, description: 'display name (the handle when none)' },
    { name: 'author_followers', type: 'int64', required: false, description: 'follower count at collection time' },
    { name: 'created_at', type: 'timestamp', required: true, description: 'when the post was published (UTC)' },
    { name: 'collected_at', type: 'timestamp', required: true, description: 'when this state was fetched (UTC)' },
    { name: 'lang', type: 'string', required: false, description: 'BCP-47 language code given by the source' },
    { name: 'title', type: 'string', required: false, description: 'Reddit, Hacker News, Stack Exchange titles' },
    { name: 'text', type: 'string', required: true, description: 'plain text: HTML stripped, entities decoded' },
    { name: 'like_count', type: 'int64', required: false, description: 'likes, favourites' },
    { name: 'repost_count', type: 'int64', required: false, description: 'reposts, boosts, retweets' },
    { name: 'reply_count', type: 'int64', required: false, description: 'replies, comments, answers' },
    { name: 'quote_count', type: 'int64', required: false, description: 'quotes' },
    { name: 'score', type: 'int64', required: false, description: 'points, score, votes' },
    { name: 'hashtags', type: { list: 'string' }, required: true, description: 'lowercased, without #' },
    { name: 'mentions', type: { list: 'string' }, required: true, description: 'handles mentioned' },
    { name: 'links', type: { list: 'string' }, required: true, description: 'links, expanded where the source gives it' },
    { name: 'queries', type: { list: 'string' }, required: true, description: 'the configured queries that matched it' },
    { name: 'extra', type: 'string', required: false, description: 'JSON object of source-specific fields (upvote_ratio, flair, view_count, edited_at, …)' },
  ],
} as const satisfies TableSchema;

export const postNlp = {
  name: 'post_nlp',
  description: 'NLP labels of a post, computed once per (text hash, model versions).',
  primaryKey: ['post_id'],
  // Partitioned (BigQuery) and ordered (DuckDB) by the post's creation time, as posts is, so
  // that the dashboard's label panels read only their period's labels.
  partitionBy: 'created_at',
  clusterBy: ['sentiment'],
  fields: [
    { name: 'post_id', type: 'string', required: true, description: 'the post labelled' },
    {
      name: 'created_at',
      type: 'timestamp',
      required: true,
      description: "the post's created_at, copied here so that queries over a period skip other periods' labels",
    },
    { name: 'text_hash', type: 'string', required: true, description: 'sha256 of the prepared text' },
    {
      name: 'models',
      type: { list: { struct: [
        { name: 'task', type: 'string', required: true, description: 'topics, entities or sentiment' },
        { name: 'model', type: 'string', required: true, description: 'model id and revision' },
      ] } },
      required: true,
      description: 'the model of each task that produced these labels',
    },
    {
      name: 'topics',
      type: { list: { struct: [
        { name: 'label', type: 'string', required: true, description: 'topic label' },
        { name: 'score', type: 'float64', required: true, description: 'probability, 0..1' },
      ] } },
      required: true,
      description: 'multi-label topics above the threshold',
    },
    {
      name: 'entities',
      type: { list: { struct: [
        { name: 'type', type: 'string', required: true, description: 'a tweet-ner7 type' },
        { name: 'text', type: 'string', required: true, description: 'the entity as written' },
        { name: 'score', type: 'float64', required: true, description: 'confidence, 0..1' },
      ] } },
      required: true,
      description: 'named entities (corporation, product, person, …)',
    },
    { name: 'sentiment', type: 'string', required: false, description: 'negative, neutral or positive' },
    { name: 'sentiment_score', type: 'float64', required: false, description: 'probability of that sentiment' },
    { name: 'enriched_at', type: 'timestamp', required: true, description: 'when the labels were computed (UTC)' },
  ],
} as const satisfies TableSchema;

export const pipelineRuns = {
  name: 'pipeline_runs',
  description: 'One row per pipeline step run (and per source for the scrape step).',
  primaryKey: ['run_id', 'step', 'source'],
  partitionBy: 'started_at',
  clusterBy: ['step'],
  fields: [
    { name: 'run_id', type: 'string', required: true, description: 'the `pulse run` this step belongs to' },
    { name: 'step', type: 'string', required: true, description: 'scrape, lake-write, enrich, load' },
    { name: 'source', type: 'string', required: true, description: 'the source, or `*` for steps over all sources' },
    { name: 'started_at', type: 'timestamp', required: true, description: 'start (UTC)' },
    { name: 'finished_at', type: 'timestamp', required: false, description: 'end (UTC); null while running' },
    { name: 'status', type: 'string', required: true, description: 'running, ok, partial, failed, skipped' },
    { name: 'rows_in', type: 'int64', required: true, description: 'items read' },
    { name: 'rows_out', type: 'int64', required: true, description: 'items written' },
    { name: 'rows_rejected', type: 'int64', required: true, description: 'items skipped as malformed' },
    { name: 'retries', type: 'int64', required: true, description: 'HTTP or step retries' },
    { name: 'error', type: 'string', required: false, description: 'why it failed or what was skipped' },
    { name: 'details', type: 'string', required: false, description: 'JSON with step-specific figures' },
  ],
} as const satisfies TableSchema;

export const DQ_STATUSES = ['pass', 'fail', 'skipped'] as const;
export type DqStatus = (typeof DQ_STATUSES)[number];

/** `error`: the data is wrong (duplicates, nulls); `warn`: the data looks unusual (volume, freshness). */
export const DQ_SEVERITIES = ['error', 'warn'] as const;
export type DqSeverity = (typeof DQ_SEVERITIES)[number];

export const dqChecks = {
  name: 'dq_checks',
  description: 'Data-quality checks run after each load: one row per check, and per source where the check is per source.',
  primaryKey: ['run_id', 'check_name', 'source'],
  partitionBy: 'checked_at',
  clusterBy: ['check_name'],
  fields: [
    { name: 'run_id', type: 'string', required: true, description: 'the `pulse run` whose load ran the check' },
    { name: 'check_name', type: 'string', required: true, description: 'post_id_unique, required_not_null, counts_not_negative, created_at_not_future, volume_in_range, freshness' },
    { name: 'source', type: 'string', required: true, description: 'the source checked, or `*` for checks over the whole table' },
    { name: 'status', type: 'string', required: true, description: 'pass, fail, skipped (not enough history to judge)' },
    { name: 'severity', type: 'string', required: true, description: 'error (the data is wrong) or warn (the data looks unusual)' },
    { name: 'observed', type: 'float64', required: false, description: 'the measured value: offending rows, posts in the run, hours since the last scrape' },
    { name: 'expected', type: 'string', required: false, description: 'the rule the value was held to, e.g. `= 0`, `8..160 (median 40 of 12 runs)`' },
    { name: 'message', type: 'string', required: false, description: 'one line for a person: what is wrong and where' },
    { name: 'checked_at', type: 'timestamp', required: true, description: 'when the check ran (UTC)' },
  ],
} as const satisfies TableSchema;

/**
 * One row per observation of a post's counts: the first at scrape time, then one per refresh
 * (issue 15). A post that the source no longer returns is observed once more with `deleted`.
 */
export const postMetrics = {
  name: 'post_metrics',
  description: "One row per observation of a post's engagement counts (at scrape time and at each refresh).",
  primaryKey: ['post_id', 'observed_at'],
  partitionBy: 'observed_at',
  clusterBy: ['source', 'post_id'],
  fields: [
    { name: 'post_id', type: 'string', required: true, description: 'the post observed (posts.post_id)' },
    { name: 'source', type: 'string', required: true, description: 'mastodon, hackernews, bluesky, reddit, x, stackexchange' },
    { name: 'observed_at', type: 'timestamp', required: true, description: 'when the counts were fetched (UTC): the raw page\'s fetched_at' },
    { name: 'like_count', type: 'int64', required: false, description: 'likes, favourites (null when deleted or not given)' },
    { name: 'repost_count', type: 'int64', required: false, description: 'reposts, boosts, retweets' },
    { name: 'reply_count', type: 'int64', required: false, description: 'replies, comments, answers' },
    { name: 'quote_count', type: 'int64', required: false, description: 'quotes' },
    { name: 'score', type: 'int64', required: false, description: 'points, score, votes' },
    { name: 'view_count', type: 'int64', required: false, description: 'views or impressions, where the source gives them (Stack Exchange, X)' },
    { name: 'deleted', type: 'bool', required: true, description: 'true when the refresh found the post deleted or gone (counts are then null)' },
  ],
} as const satisfies TableSchema;

export const stories = {
  name: 'stories',
  description: 'One row per story: posts across networks that share a canonical link or near-identical text (computed after each load, incrementally).',
  primaryKey: ['story_id'],
  // Not partitioned: a story's days change as posts join it. Clustered on its id for lookups.
  clusterBy: ['story_id'],
  fields: [
    { name: 'story_id', type: 'string', required: true, description: 'stable id: from the canonical link (or the first post) that founded the story; never renumbered' },
    { name: 'canonical_url', type: 'string', required: false, description: 'the canonical link most of its posts share (null for a text-only story)' },
    { name: 'title', type: 'string', required: false, description: "the earliest post's title (or the start of its text)" },
    { name: 'first_seen', type: 'timestamp', required: true, description: 'created_at of its earliest post (UTC)' },
    { name: 'last_seen', type: 'timestamp', required: true, description: 'created_at of its latest post (UTC)' },
    { name: 'posts', type: 'int64', required: true, description: 'number of posts in the story' },
    { name: 'sources', type: { list: 'string' }, required: true, description: 'the networks it reached, sorted' },
    { name: 'engagement', type: 'int64', required: true, description: 'likes + reposts + replies + quotes + score over its posts (raw; the dashboard normalizes per source)' },
    { name: 'updated_at', type: 'timestamp', required: true, description: 'when the row was last recomputed (UTC)' },
  ],
} as const satisfies TableSchema;

export const storyPosts = {
  name: 'story_posts',
  description: 'Which story each post belongs to (every post belongs to exactly one; a post that shares nothing is a story of one).',
  primaryKey: ['post_id'],
  // Partitioned like posts (a post's created_at never changes), so a load's refresh reads only its days.
  partitionBy: 'created_at',
  clusterBy: ['story_id'],
  fields: [
    { name: 'story_id', type: 'string', required: true, description: 'the story (stories.story_id)' },
    { name: 'post_id', type: 'string', required: true, description: 'the post (posts.post_id)' },
    { name: 'source', type: 'string', required: true, description: "the post's source" },
    { name: 'created_at', type: 'timestamp', required: true, description: "the post's created_at" },
    { name: 'canonical_url', type: 'string', required: false, description: "the canonical form of the post's primary link" },
    { name: 'title', type: 'string', required: false, description: "the post's title, or the start of its text" },
    { name: 'engagement', type: 'int64', required: true, description: "the post's likes + reposts + replies + quotes + score, as last loaded" },
    { name: 'keys', type: { list: 'string' }, required: true, description: 'its matching keys: `u:` canonical link, `t<band>:` MinHash LSH bands of its text' },
    { name: 'updated_at', type: 'timestamp', required: true, description: 'when the row was assigned or its engagement refreshed (UTC)' },
  ],
} as const satisfies TableSchema;

export const storyKeys = {
  name: 'story_keys',
  description: 'The matching index of stories: each key (canonical link, text band) belongs to the first story that had it.',
  primaryKey: ['key'],
  clusterBy: ['key'],
  fields: [
    { name: 'key', type: 'string', required: true, description: '`u:` + canonical link, or `t<band>:` + MinHash band hash' },
    { name: 'story_id', type: 'string', required: true, description: 'the story that claimed the key first' },
  ],
} as const satisfies TableSchema;

/**
 * What an event is about. `story` plugs in once the stories tables exist (counts per story_id
 * from story_posts joined with posts; see libs/warehouse/src/events.ts, STORY_COUNTS).
 */
export const EVENT_KINDS = ['hashtag', 'entity', 'topic', 'story'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_STATUSES = ['open', 'closed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const eventCounts = {
  name: 'event_counts',
  description: 'Posts per hour per hashtag, entity, topic (and story): the series the event detector compares with its baseline; recounted for the hours each load touches.',
  primaryKey: ['kind', 'key', 'hour'],
  partitionBy: 'hour',
  clusterBy: ['kind', 'key'],
  fields: [
    { name: 'kind', type: 'string', required: true, description: 'hashtag, entity, topic or story' },
    { name: 'key', type: 'string', required: true, description: 'the hashtag (lowercased), `type:text` of an entity (lowercased), the topic label, the story_id' },
    { name: 'hour', type: 'timestamp', required: true, description: 'the hour (UTC, truncated) the posts were created in' },
    { name: 'n', type: 'int64', required: true, description: 'posts created in that hour with that key' },
  ],
} as const satisfies TableSchema;

export const events = {
  name: 'events',
  description: 'Spikes: hours in which a key had far more posts than its baseline (see README, Events); one row per run of spiking hours.',
  primaryKey: ['event_id'],
  partitionBy: 'started_at',
  clusterBy: ['status', 'kind'],
  fields: [
    { name: 'event_id', type: 'string', required: true, description: 'md5 of kind, key and started_at: stable across runs' },
    { name: 'kind', type: 'string', required: true, description: 'hashtag, entity, topic or story' },
    { name: 'key', type: 'string', required: true, description: 'what spiked (as in event_counts.key)' },
    { name: 'started_at', type: 'timestamp', required: true, description: 'the first spiking hour' },
    { name: 'last_seen_at', type: 'timestamp', required: true, description: 'the latest spiking hour' },
    { name: 'observed', type: 'int64', required: true, description: 'posts in the peak hour' },
    { name: 'expected', type: 'float64', required: true, description: "the baseline of the peak hour: posts usual at that hour" },
    { name: 'score', type: 'float64', required: true, description: 'the peak hour\'s (observed − expected) / √(expected + 1)' },
    { name: 'status', type: 'string', required: true, description: 'open, or closed once no hour spiked for `events.closeAfter`' },
    { name: 'detected_at', type: 'timestamp', required: true, description: 'when a run first found it (UTC)' },
    { name: 'updated_at', type: 'timestamp', required: true, description: 'when a run last changed it (UTC)' },
    { name: 'notified_at', type: 'timestamp', required: false, description: 'when the webhook accepted its alert; null until then' },
    { name: 'notify_attempts', type: 'int64', required: true, description: 'deliveries of its alert tried so far (each with its own HTTP retries)' },
    { name: 'notify_error', type: 'string', required: false, description: 'why the last delivery failed (secrets masked)' },
  ],
} as const satisfies TableSchema;


/** Every table of the warehouse (both warehouses and the Pulumi dataset create each). Some have no partition column. */
export const TABLES: readonly TableSchema[] = [
  posts, postNlp, pipelineRuns, dqChecks,
  postMetrics,
  stories, storyPosts, storyKeys,
  eventCounts, events,
  ...ROLLUP_TABLES,
];

/** Internal bookkeeping of the loader (watermarks, the rollups' version); not part of the product schema. */
export const pulseState = {
  name: 'pulse_state',
  description: 'social-pulse loader watermarks',
  primaryKey: ['key'],
  fields: [
    { name: 'key', type: 'string', required: true, description: 'watermark name' },
    { name: 'value', type: 'string', required: true, description: 'watermark value' },
    { name: 'updated_at', type: 'timestamp', required: true, description: 'when it was set (UTC)' },
  ],
} as const satisfies TableSchema;
