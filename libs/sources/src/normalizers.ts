import type { SourceName } from '@social-pulse/schema';
import { normalizeBluesky } from './bluesky/normalize.ts';
import { normalizeHackernews } from './hackernews/normalize.ts';
import { normalizeMastodon } from './mastodon/normalize.ts';
import { normalizeReddit } from './reddit/normalize.ts';
import { normalizeStackexchange } from './stackexchange/normalize.ts';
import type { Normalized, RawPage } from './types.ts';
import { normalizeX } from './x/normalize.ts';

/** Each source's normalizer (a raw page → posts), for the search pages and the refresh pages alike. */
export const NORMALIZERS: Record<SourceName, (p: RawPage) => Normalized> = {
  mastodon: normalizeMastodon,
  hackernews: normalizeHackernews,
  bluesky: normalizeBluesky,
  x: normalizeX,
  reddit: normalizeReddit,
  stackexchange: normalizeStackexchange,
};

/** The normalizer of a raw page's source; undefined for a source this build does not know. */
export const normalizerOf = (page: RawPage): ((p: RawPage) => Normalized) | undefined =>
  (NORMALIZERS as Partial<Record<string, (p: RawPage) => Normalized>>)[page.meta.source];
