import { ROLLUP_TABLES } from './rollups.ts';
import { col, structs, table } from './columns.ts';
import type { TableSchema } from './types.ts';

/** The kinds of post a source may report. */
export const POST_KINDS = ['post', 'reply', 'repost', 'quote', 'story', 'question'] as const;
export type PostKind = (typeof POST_KINDS)[number];

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

// Dashboard queries filter on time first (partition pruning) and then on source.
export const posts = table('posts', 'One row per post, in its latest known state (newest metrics win).', { primaryKey: ['post_id'], partitionBy: 'created_at', clusterBy: ['source'] }, [
  col('post_id', 'string', '`source:native_id`, stable across runs'),
  col('source', 'string', 'mastodon, hackernews, bluesky, reddit, x, stackexchange'),
  col('native_id', 'string', 'the id the source gives the post'),
  col('url', 'string', 'where a person reads the post'),
  col('kind', 'string', 'post, reply, repost, quote, story, question'),
  col('parent_id', 'string?', 'post_id of the post this one answers, reposts or quotes'),
  col('conversation_id', 'string?', 'post_id of the thread root, where the source says'),
  col('author_id', 'string', "the author's id at the source"),
  col('author_handle', 'string', 'the handle, e.g. alice@mastodon.social'),
  col('author_name', 'string', 'display name (the handle when none)'),
  col('author_followers', 'int64?', 'follower count at collection time'),
  col('created_at', 'timestamp', 'when the post was published (UTC)'),
  col('collected_at', 'timestamp', 'when this state was fetched (UTC)'),
  col('lang', 'string?', 'BCP-47 language code given by the source'),
  col('title', 'string?', 'Reddit, Hacker News, Stack Exchange titles'),
  col('text', 'string', 'plain text: HTML stripped, entities decoded'),
  col('like_count', 'int64?', 'likes, favourites'),
  col('repost_count', 'int64?', 'reposts, boosts, retweets'),
  col('reply_count', 'int64?', 'replies, comments, answers'),
  col('quote_count', 'int64?', 'quotes'),
  col('score', 'int64?', 'points, score, votes'),
  col('hashtags', 'string[]', 'lowercased, without #'),
  col('mentions', 'string[]', 'handles mentioned'),
  col('links', 'string[]', 'links, expanded where the source gives it'),
  col('queries', 'string[]', 'the configured queries that matched it'),
  col('extra', 'string?', 'JSON object of source-specific fields (upvote_ratio, flair, view_count, edited_at, …)'),
]);

// Partitioned (BigQuery) and ordered (DuckDB) by the post's creation time, as posts is, so
// that the dashboard's label panels read only their period's labels.
export const postNlp = table('post_nlp', 'NLP labels of a post, computed once per (text hash, model versions).', { primaryKey: ['post_id'], partitionBy: 'created_at', clusterBy: ['sentiment'] }, [
  col('post_id', 'string', 'the post labelled'),
  col('created_at', 'timestamp', "the post's created_at, copied here so that queries over a period skip other periods' labels"),
  col('text_hash', 'string', 'sha256 of the prepared text'),
  col('models', structs(
    col('task', 'string', 'topics, entities or sentiment'),
    col('model', 'string', 'model id and revision'),
  ), 'the model of each task that produced these labels'),
  col('topics', structs(
    col('label', 'string', 'topic label'),
    col('score', 'float64', 'probability, 0..1'),
  ), 'multi-label topics above the threshold'),
  col('entities', structs(
    col('type', 'string', 'a tweet-ner7 type'),
    col('text', 'string', 'the entity as written'),
    col('score', 'float64', 'confidence, 0..1'),
  ), 'named entities (corporation, product, person, …)'),
  col('sentiment', 'string?', 'negative, neutral or positive'),
  col('sentiment_score', 'float64?', 'probability of that sentiment'),
  col('enriched_at', 'timestamp', 'when the labels were computed (UTC)'),
]);

export const pipelineRuns = table('pipeline_runs', 'One row per pipeline step run (and per source for the scrape step).', { primaryKey: ['run_id', 'step', 'source'], partitionBy: 'started_at', clusterBy: ['step'] }, [
  col('run_id', 'string', 'the `pulse run` this step belongs to'),
  col('step', 'string', 'scrape, lake-write, enrich, load'),
  col('source', 'string', 'the source, or `*` for steps over all sources'),
  col('started_at', 'timestamp', 'start (UTC)'),
  col('finished_at', 'timestamp?', 'end (UTC); null while running'),
  col('status', 'string', 'running, ok, partial, failed, skipped'),
  col('rows_in', 'int64', 'items read'),
  col('rows_out', 'int64', 'items written'),
  col('rows_rejected', 'int64', 'items skipped as malformed'),
  col('retries', 'int64', 'HTTP or step retries'),
  col('error', 'string?', 'why it failed or what was skipped'),
  col('details', 'string?', 'JSON with step-specific figures'),
]);

export const DQ_STATUSES = ['pass', 'fail', 'skipped'] as const;
export type DqStatus = (typeof DQ_STATUSES)[number];

/** `error`: the data is wrong (duplicates, nulls); `warn`: the data looks unusual (volume, freshness). */
export const DQ_SEVERITIES = ['error', 'warn'] as const;
export type DqSeverity = (typeof DQ_SEVERITIES)[number];

export const dqChecks = table('dq_checks', 'Data-quality checks run after each load: one row per check, and per source where the check is per source.', { primaryKey: ['run_id', 'check_name', 'source'], partitionBy: 'checked_at', clusterBy: ['check_name'] }, [
  col('run_id', 'string', 'the `pulse run` whose load ran the check'),
  col('check_name', 'string', 'post_id_unique, required_not_null, counts_not_negative, created_at_not_future, volume_in_range, freshness'),
  col('source', 'string', 'the source checked, or `*` for checks over the whole table'),
  col('status', 'string', 'pass, fail, skipped (not enough history to judge)'),
  col('severity', 'string', 'error (the data is wrong) or warn (the data looks unusual)'),
  col('observed', 'float64?', 'the measured value: offending rows, posts in the run, hours since the last scrape'),
  col('expected', 'string?', 'the rule the value was held to, e.g. `= 0`, `8..160 (median 40 of 12 runs)`'),
  col('message', 'string?', 'one line for a person: what is wrong and where'),
  col('checked_at', 'timestamp', 'when the check ran (UTC)'),
]);

/**
 * One row per observation of a post's counts: the first at scrape time, then one per refresh
 * (issue 15). A post that the source no longer returns is observed once more with `deleted`.
 */
export const postMetrics = table('post_metrics', "One row per observation of a post's engagement counts (at scrape time and at each refresh).", { primaryKey: ['post_id', 'observed_at'], partitionBy: 'observed_at', clusterBy: ['source', 'post_id'] }, [
  col('post_id', 'string', 'the post observed (posts.post_id)'),
  col('source', 'string', 'mastodon, hackernews, bluesky, reddit, x, stackexchange'),
  col('observed_at', 'timestamp', 'when the counts were fetched (UTC): the raw page\'s fetched_at'),
  col('like_count', 'int64?', 'likes, favourites (null when deleted or not given)'),
  col('repost_count', 'int64?', 'reposts, boosts, retweets'),
  col('reply_count', 'int64?', 'replies, comments, answers'),
  col('quote_count', 'int64?', 'quotes'),
  col('score', 'int64?', 'points, score, votes'),
  col('view_count', 'int64?', 'views or impressions, where the source gives them (Stack Exchange, X)'),
  col('deleted', 'bool', 'true when the refresh found the post deleted or gone (counts are then null)'),
]);

// Not partitioned: a story's days change as posts join it. Clustered on its id for lookups.
export const stories = table('stories', 'One row per story: posts across networks that share a canonical link or near-identical text (computed after each load, incrementally).', { primaryKey: ['story_id'], clusterBy: ['story_id'] }, [
  col('story_id', 'string', 'stable id: from the canonical link (or the first post) that founded the story; never renumbered'),
  col('canonical_url', 'string?', 'the canonical link most of its posts share (null for a text-only story)'),
  col('title', 'string?', "the earliest post's title (or the start of its text)"),
  col('first_seen', 'timestamp', 'created_at of its earliest post (UTC)'),
  col('last_seen', 'timestamp', 'created_at of its latest post (UTC)'),
  col('posts', 'int64', 'number of posts in the story'),
  col('sources', 'string[]', 'the networks it reached, sorted'),
  col('engagement', 'int64', 'likes + reposts + replies + quotes + score over its posts (raw; the dashboard normalizes per source)'),
  col('updated_at', 'timestamp', 'when the row was last recomputed (UTC)'),
]);

// Partitioned like posts (a post's created_at never changes), so a load's refresh reads only its days.
export const storyPosts = table('story_posts', 'Which story each post belongs to (every post belongs to exactly one; a post that shares nothing is a story of one).', { primaryKey: ['post_id'], partitionBy: 'created_at', clusterBy: ['story_id'] }, [
  col('story_id', 'string', 'the story (stories.story_id)'),
  col('post_id', 'string', 'the post (posts.post_id)'),
  col('source', 'string', "the post's source"),
  col('created_at', 'timestamp', "the post's created_at"),
  col('canonical_url', 'string?', "the canonical form of the post's primary link"),
  col('title', 'string?', "the post's title, or the start of its text"),
  col('engagement', 'int64', "the post's likes + reposts + replies + quotes + score, as last loaded"),
  col('keys', 'string[]', 'its matching keys: `u:` canonical link, `t<band>:` MinHash LSH bands of its text'),
  col('updated_at', 'timestamp', 'when the row was assigned or its engagement refreshed (UTC)'),
]);

export const storyKeys = table('story_keys', 'The matching index of stories: each key (canonical link, text band) belongs to the first story that had it.', { primaryKey: ['key'], clusterBy: ['key'] }, [
  col('key', 'string', '`u:` + canonical link, or `t<band>:` + MinHash band hash'),
  col('story_id', 'string', 'the story that claimed the key first'),
]);

/**
 * What an event is about. `story` plugs in once the stories tables exist (counts per story_id
 * from story_posts joined with posts; see libs/warehouse/src/events.ts, STORY_COUNTS).
 */
export const EVENT_KINDS = ['hashtag', 'entity', 'topic', 'story'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_STATUSES = ['open', 'closed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const eventCounts = table('event_counts', 'Posts per hour per hashtag, entity, topic (and story): the series the event detector compares with its baseline; recounted for the hours each load touches.', { primaryKey: ['kind', 'key', 'hour'], partitionBy: 'hour', clusterBy: ['kind', 'key'] }, [
  col('kind', 'string', 'hashtag, entity, topic or story'),
  col('key', 'string', 'the hashtag (lowercased), `type:text` of an entity (lowercased), the topic label, the story_id'),
  col('hour', 'timestamp', 'the hour (UTC, truncated) the posts were created in'),
  col('n', 'int64', 'posts created in that hour with that key'),
]);

export const events = table('events', 'Spikes: hours in which a key had far more posts than its baseline (see README, Events); one row per run of spiking hours.', { primaryKey: ['event_id'], partitionBy: 'started_at', clusterBy: ['status', 'kind'] }, [
  col('event_id', 'string', 'md5 of kind, key and started_at: stable across runs'),
  col('kind', 'string', 'hashtag, entity, topic or story'),
  col('key', 'string', 'what spiked (as in event_counts.key)'),
  col('started_at', 'timestamp', 'the first spiking hour'),
  col('last_seen_at', 'timestamp', 'the latest spiking hour'),
  col('observed', 'int64', 'posts in the peak hour'),
  col('expected', 'float64', "the baseline of the peak hour: posts usual at that hour"),
  col('score', 'float64', 'the peak hour\'s (observed − expected) / √(expected + 1)'),
  col('status', 'string', 'open, or closed once no hour spiked for `events.closeAfter`'),
  col('detected_at', 'timestamp', 'when a run first found it (UTC)'),
  col('updated_at', 'timestamp', 'when a run last changed it (UTC)'),
  col('notified_at', 'timestamp?', 'when the webhook accepted its alert; null until then'),
  col('notify_attempts', 'int64', 'deliveries of its alert tried so far (each with its own HTTP retries)'),
  col('notify_error', 'string?', 'why the last delivery failed (secrets masked)'),
]);


/** Every table of the warehouse (both warehouses and the Pulumi dataset create each). Some have no partition column. */
export const TABLES: readonly TableSchema[] = [
  posts, postNlp, pipelineRuns, dqChecks,
  postMetrics,
  stories, storyPosts, storyKeys,
  eventCounts, events,
  ...ROLLUP_TABLES,
];

/** Internal bookkeeping of the loader (watermarks, the rollups' version); not part of the product schema. */
export const pulseState = table('pulse_state', 'social-pulse loader watermarks', { primaryKey: ['key'] }, [
  col('key', 'string', 'watermark name'),
  col('value', 'string', 'watermark value'),
  col('updated_at', 'timestamp', 'when it was set (UTC)'),
]);
