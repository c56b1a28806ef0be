import { redditSpec } from '@social-pulse/schema';
import { defineSource } from '../definition.ts';
import { normalizeReddit } from './normalize.ts';
import { redditRefresher, redditRefreshPage } from './refresher.ts';
import { RedditSource } from './source.ts';

/** Reddit: its spec (libs/schema, src/sources/reddit.ts) and what runs it. */
export const reddit = defineSource(redditSpec, {
  create: (entry) => new RedditSource(entry),
  normalize: normalizeReddit,
  normalizerVersion: 1,
  refresher: redditRefresher,
  refreshPage: redditRefreshPage,
});
