import { blueskySpec } from '@social-pulse/schema';
import { defineSource } from '../definition.ts';
import { normalizeBluesky } from './normalize.ts';
import { blueskyRefresher } from './refresher.ts';
import { BlueskySource } from './source.ts';

/** Bluesky: its spec (libs/schema, src/sources/bluesky.ts) and what runs it. */
export const bluesky = defineSource(blueskySpec, {
  create: (entry) => new BlueskySource(entry),
  normalize: normalizeBluesky,
  normalizerVersion: 1,
  refresher: blueskyRefresher,
});
