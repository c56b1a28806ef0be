import { snowflakeAt } from '../x/api.ts';

/**
 * X API v2 tweets and users as `GET /2/tweets/search/recent` returns them with
 * `expansions=author_id,referenced_tweets.id` and the tweet/user fields that fill the schema.
 * Ids are real snowflakes for their `created_at` (X refuses `since_id`s older than 7 days, and
 * the source reads the time from the id). Awkward cases: a retweet whose original is in
 * `includes.tweets`, a retweet of a deleted tweet (a partial error), a long `note_tweet`,
 * media links, an older payload without `bookmark_count`/`impression_count`, Arabic, emoji.
 */
export type TweetJson = Record<string, unknown> & { id: string; text: string; author_id: string; created_at: string };
export type UserJson = Record<string, unknown> & { id: string; username: string };

export const xUsers: UserJson[] = [
  { id: '2244994945', username: 'XDevelopers', name: 'Developers', public_metrics: { followers_count: 583000, following_count: 2000, tweet_count: 4000, listed_count: 1800 }, verified: true },
  { id: '1000000000000000001', username: 'dana_data', name: 'Dana 📊', public_metrics: { followers_count: 1200, following_count: 300, tweet_count: 5000, listed_count: 20 } },
  { id: '1000000000000000002', username: 'omar_eng', name: 'عمر' },
];

export function xTweet(at: Date, seq: number, over: Partial<TweetJson> = {}): TweetJson {
  const id = snowflakeAt(at.getTime(), seq);
  return {
    id,
    text: `Tweet ${seq} on #dataengineering`,
    author_id: '1000000000000000001',
    created_at: at.toISOString(),
    conversation_id: id,
    lang: 'en',
    edit_history_tweet_ids: [id],
    possibly_sensitive: false,
    public_metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 0, bookmark_count: 0, impression_count: 250 },
    entities: { hashtags: [{ start: 12, end: 28, tag: 'dataengineering' }] },
    ...over,
  };
}

/** `n` tweets a minute apart from `t0`, oldest first. */
export function xRun(n: number, t0: Date, seqBase = 100): TweetJson[] {
  return Array.from({ length: n }, (_, i) => xTweet(new Date(t0.getTime() + i * 60_000), seqBase + i));
}

/** The hand-picked cases; returns the search hits and the tweets only reachable through includes. */
export function awkwardTweets(t0: Date): { hits: TweetJson[]; originals: TweetJson[] } {
  const at = (min: number) => new Date(t0.getTime() + min * 60_000);
  const original = xTweet(at(-30), 1, {
    author_id: '2244994945',
    text: 'Announcing new fields for #dataengineering pipelines on the X API https://t.co/abc123',
    entities: {
      hashtags: [{ start: 26, end: 42, tag: 'dataengineering' }],
      urls: [{ start: 66, end: 89, url: 'https://t.co/abc123', expanded_url: 'https://developer.x.com/en/updates', display_url: 'developer.x.com/en/updates', unwound_url: 'https://developer.x.com/en/updates/changelog' }],
    },
  });
  const retweet = xTweet(at(1), 2, {
    text: 'RT @XDevelopers: Announcing new fields for #dataengineering pipelines on the X API https://t.co/abc…',
    referenced_tweets: [{ type: 'retweeted', id: original.id }],
    public_metrics: { retweet_count: 40, reply_count: 0, like_count: 0, quote_count: 0 },
    entities: { mentions: [{ start: 3, end: 15, username: 'XDevelopers', id: '2244994945' }] },
  });
  const deletedOriginalId = snowflakeAt(at(-60).getTime(), 3);
  const orphanRetweet = xTweet(at(2), 4, {
    text: 'RT @gone: a tweet that no longer exists #dataengineering',
    referenced_tweets: [{ type: 'retweeted', id: deletedOriginalId }],
  });
  const longText = `${'Thread on building a lakehouse with DuckDB and Iceberg. '.repeat(8)}#dataengineering 🧵`;
  const long = xTweet(at(3), 5, {
    text: `${longText.slice(0, 270)}… https://t.co/more`,
    note_tweet: { text: longText, entities: { hashtags: [{ start: longText.length - 19, end: longText.length - 3, tag: 'dataengineering' }] } },
    entities: {
      urls: [{ start: 272, end: 295, url: 'https://t.co/pic', expanded_url: 'https://x.com/dana_data/status/1/photo/1', display_url: 'pic.x.com/pic', media_key: '3_1' }],
    },
  });
  const reply = xTweet(at(4), 6, {
    author_id: '1000000000000000002',
    text: '@dana_data هندسة البيانات ليست سهلة #dataengineering',
    lang: 'ar',
    conversation_id: long.id,
    in_reply_to_user_id: '1000000000000000001',
    referenced_tweets: [{ type: 'replied_to', id: long.id }],
    entities: { mentions: [{ start: 0, end: 10, username: 'dana_data', id: '1000000000000000001' }], hashtags: [{ start: 36, end: 52, tag: 'dataengineering' }] },
  });
  // An older payload shape: no bookmark/impression counts, no edit history, no entities.
  const old = xTweet(at(5), 7, {
    text: 'Quoting this 👇 #DataEngineering',
    public_metrics: { retweet_count: 0, reply_count: 0, like_count: 1, quote_count: 0 },
    referenced_tweets: [{ type: 'quoted', id: original.id }],
    edit_history_tweet_ids: undefined,
    entities: undefined,
    possibly_sensitive: undefined,
    lang: 'und',
  });
  return { hits: [retweet, orphanRetweet, long, reply, old], originals: [original] };
}
