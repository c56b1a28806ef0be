import { startFakeAlgolia, type HitJson } from './fake-algolia.ts';
import { startFakeBluesky, type FakeBluesky, type FakeBlueskyOptions } from './fake-bluesky.ts';
import { startFakeMastodon, type StatusJson } from './fake-mastodon.ts';
import { startFakeReddit, type FakeRedditOptions } from './fake-reddit.ts';
import { startFakeStackexchange } from './fake-stackexchange.ts';
import { startFakeX, type FakeXOptions } from './fake-x.ts';
import type { PostViewJson } from './fixtures-bluesky.ts';
import type { LinkJson } from './fixtures-reddit.ts';
import type { QuestionJson } from './fixtures-stackexchange.ts';
import { xUsers, type TweetJson } from './fixtures-x.ts';
import type { ReplayServer } from './server.ts';

/**
 * The credentials the fakes accept, per source and all together (`env`, for `pulse`). `label`
 * goes into the X token, so that a test can look for its own token in what must not hold it.
 */
export function fakeCredentials(label: string) {
  const bluesky = { BLUESKY_HANDLE: 'me.bsky.social', BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' };
  const x = { X_BEARER_TOKEN: `AAAAAAAAAAAAAAAAAAAAA${label}%2Ftoken` };
  const reddit = { REDDIT_CLIENT_ID: 'p-jcoLKBynTLew', REDDIT_CLIENT_SECRET: 'gko_LXELoV07ZBNUXrvWZfzE3aI' };
  return { bluesky, x, reddit, env: { ...bluesky, ...x, ...reddit } };
}
export type FakeCredentials = ReturnType<typeof fakeCredentials>;

/** Starts the fake of one source, serving what `feed` returns and accepting the credentials of `creds`. */
export const startFakeOf = {
  mastodon: (feed: () => StatusJson[]) => startFakeMastodon(feed),
  hackernews: (feed: () => HitJson[]) => startFakeAlgolia(feed),
  bluesky: (feed: () => PostViewJson[], creds: FakeCredentials, o: Partial<FakeBlueskyOptions> = {}) =>
    startFakeBluesky({ handle: creds.bluesky.BLUESKY_HANDLE, password: creds.bluesky.BLUESKY_APP_PASSWORD, posts: feed, ...o }),
  x: (feed: () => TweetJson[], creds: FakeCredentials, o: Partial<FakeXOptions> = {}) => startFakeX({ token: creds.x.X_BEARER_TOKEN, tweets: feed, users: [...xUsers], ...o }),
  reddit: (feed: () => LinkJson[], creds: FakeCredentials, o: Partial<FakeRedditOptions> = {}) =>
    startFakeReddit({ clientId: creds.reddit.REDDIT_CLIENT_ID, clientSecret: creds.reddit.REDDIT_CLIENT_SECRET, links: feed, ...o }),
  stackexchange: (feed: () => QuestionJson[]) => startFakeStackexchange({ questions: feed }),
};

/** What each of the six fakes serves, and the options of those a test makes behave otherwise. */
export interface SixFeeds {
  mastodon: () => StatusJson[];
  hackernews: () => HitJson[];
  bluesky: () => PostViewJson[];
  x: () => TweetJson[];
  reddit: () => LinkJson[];
  stackexchange: () => QuestionJson[];
  blueskyOptions?: Partial<FakeBlueskyOptions>;
  xOptions?: Partial<FakeXOptions>;
}

/** The six fakes, started. */
export interface SixFakes {
  mastodon: ReplayServer;
  hackernews: ReplayServer;
  bluesky: FakeBluesky;
  x: ReplayServer;
  reddit: ReplayServer;
  stackexchange: ReplayServer;
  /** The six, to close. */
  all: ReplayServer[];
  /** The `sources:` section of a pulse.config.yaml that reads every source from its fake. */
  sourcesYaml: string;
}

/** Starts a fake of each of the six sources (for a `pulse run` over all of them). */
export async function startSixFakes(feeds: SixFeeds, creds: FakeCredentials): Promise<SixFakes> {
  const mastodon = await startFakeOf.mastodon(feeds.mastodon);
  const hackernews = await startFakeOf.hackernews(feeds.hackernews);
  const bluesky = await startFakeOf.bluesky(feeds.bluesky, creds, feeds.blueskyOptions);
  const x = await startFakeOf.x(feeds.x, creds, feeds.xOptions);
  const reddit = await startFakeOf.reddit(feeds.reddit, creds);
  const stackexchange = await startFakeOf.stackexchange(feeds.stackexchange);
  const sourcesYaml = `sources:
  - type: mastodon
    instances: [${mastodon.url}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${hackernews.url}
    queries: ["data engineering"]
  - type: bluesky
    baseUrl: ${bluesky.url}
    tags: [dataengineering]
  - type: x
    baseUrl: ${x.url}
    queries: ["#dataengineering"]
  - type: reddit
    baseUrl: ${reddit.url}
    authUrl: ${reddit.url}
    subreddits: [dataengineering]
  - type: stackexchange
    baseUrl: ${stackexchange.url}
    tags: [data-engineering]
`;
  return { mastodon, hackernews, bluesky, x, reddit, stackexchange, all: [mastodon, hackernews, bluesky, x, reddit, stackexchange], sourcesYaml };
}
