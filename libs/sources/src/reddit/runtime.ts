import type { SourceRuntime, SpecOf } from '../specs/define.ts';
import type { reddit } from './index.ts';
import { normalizeReddit } from './normalize.ts';
import { redditRefresher, redditRefreshPage } from './refresher.ts';
import { RedditSource } from './source.ts';

/** What runs Reddit (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry) => new RedditSource(entry),
  normalize: normalizeReddit,
  refresher: redditRefresher,
  refreshPage: redditRefreshPage,
} satisfies SourceRuntime<SpecOf<typeof reddit>, RedditSource>;
