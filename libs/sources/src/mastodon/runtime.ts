import type { SourceRuntime, SpecOf } from '../specs/define.ts';
import type { mastodon } from './index.ts';
import { normalizeMastodon } from './normalize.ts';
import { mastodonRefresher, mastodonRefreshPage } from './refresher.ts';
import { MastodonSource } from './source.ts';

/** What runs Mastodon (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry) => new MastodonSource(entry),
  normalize: normalizeMastodon,
  refresher: mastodonRefresher,
  refreshPage: mastodonRefreshPage,
} satisfies SourceRuntime<SpecOf<typeof mastodon>, MastodonSource>;
