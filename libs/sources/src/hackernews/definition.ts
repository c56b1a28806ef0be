import { hackernewsSpec } from '@social-pulse/schema';
import { defineSource } from '../definition.ts';
import { normalizeHackernews } from './normalize.ts';
import { hackernewsRefresher } from './refresher.ts';
import { HackernewsSource } from './source.ts';

/** Hackernews: its spec (libs/schema, src/sources/hackernews.ts) and what runs it. */
export const hackernews = defineSource(hackernewsSpec, {
  create: (entry) => new HackernewsSource(entry),
  normalize: normalizeHackernews,
  normalizerVersion: 1,
  refresher: hackernewsRefresher,
});
