import { z } from 'zod';

// The subset of X API v2 tweet and user objects that social-pulse reads
// (docs.x.com/x-api/fundamentals/data-dictionary). Fields arrive only when requested, and
// older responses lack the newer ones (`note_tweet`, `bookmark_count`, `impression_count`).
const count = z.number().int().nonnegative().nullish();

const entityUrl = z.looseObject({
  url: z.string().nullish(),
  expanded_url: z.string().nullish(),
  unwound_url: z.string().nullish(),
  media_key: z.string().nullish(),
});
const entities = z.looseObject({
  hashtags: z.array(z.looseObject({ tag: z.string() })).nullish(),
  mentions: z.array(z.looseObject({ username: z.string(), id: z.string().nullish() })).nullish(),
  urls: z.array(entityUrl).nullish(),
  cashtags: z.array(z.looseObject({ tag: z.string() })).nullish(),
});

export const tweet = z.looseObject({
  id: z.string().regex(/^\d+$/, 'expected a numeric id'),
  text: z.string(),
  author_id: z.string().nullish(),
  created_at: z.string().nullish(),
  conversation_id: z.string().nullish(),
  in_reply_to_user_id: z.string().nullish(),
  lang: z.string().nullish(),
  public_metrics: z
    .looseObject({
      retweet_count: count,
      reply_count: count,
      like_count: count,
      quote_count: count,
      bookmark_count: count,
      impression_count: count,
    })
    .nullish(),
  entities: entities.nullish(),
  referenced_tweets: z.array(z.looseObject({ type: z.enum(['retweeted', 'quoted', 'replied_to']).or(z.string()), id: z.string() })).nullish(),
  note_tweet: z.looseObject({ text: z.string(), entities: entities.nullish() }).nullish(),
  possibly_sensitive: z.boolean().nullish(),
  edit_history_tweet_ids: z.array(z.string()).nullish(),
});
export type Tweet = z.infer<typeof tweet>;

export const user = z.looseObject({
  id: z.string(),
  username: z.string(),
  name: z.string().nullish(),
  public_metrics: z.looseObject({ followers_count: count }).nullish(),
  verified: z.boolean().nullish(),
});
export type User = z.infer<typeof user>;

/** An entry of `errors[]`: a problem with one resource, reported beside the data. */
export const partialError = z.looseObject({
  title: z.string().nullish(),
  detail: z.string().nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  resource_type: z.string().nullish(),
  resource_id: z.string().nullish(),
  value: z.unknown().optional(),
  parameter: z.string().nullish(),
});

export const searchResponse = z.looseObject({
  data: z.array(z.unknown()).nullish(),
  includes: z
    .looseObject({ users: z.array(z.unknown()).nullish(), tweets: z.array(z.unknown()).nullish() })
    .nullish(),
  errors: z.array(partialError).nullish(),
  meta: z
    .looseObject({
      newest_id: z.string().nullish(),
      oldest_id: z.string().nullish(),
      result_count: z.number().int().nonnegative(),
      next_token: z.string().nullish(),
    })
    .nullish(),
});

/** X ids are snowflakes: the creation time (ms) is in the top bits, above 22 bits of sequence. */
const TWEPOCH = 1288834974657n;
export const snowflakeTime = (id: string): number => Number((BigInt(id) >> 22n) + TWEPOCH);
export const snowflakeAt = (ms: number, seq = 0): string => String(((BigInt(ms) - TWEPOCH) << 22n) | BigInt(seq));
