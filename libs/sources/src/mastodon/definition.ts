import { mastodonSpec } from '@social-pulse/schema';
import { defineSource } from '../definition.ts';
import { normalizeMastodon } from './normalize.ts';
import { mastodonRefresher, mastodonRefreshPage } from './refresher.ts';
import { MastodonSource } from './source.ts';

/** Mastodon: its spec (libs/schema, src/sources/mastodon.ts) and what runs it. */
export const mastodon = defineSource(mastodonSpec, {
  create: (entry) => new MastodonSource(entry),
  normalize: normalizeMastodon,
  normalizerVersion: 1,
  refresher: mastodonRefresher,
  refreshPage: mastodonRefreshPage,
});
