import type { SourceRuntime, SpecOf } from '../specs/define.ts';
import type { bluesky } from './index.ts';
import { normalizeBluesky } from './normalize.ts';
import { blueskyRefresher } from './refresher.ts';
import { BlueskySource } from './source.ts';

/** What runs Bluesky (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry) => new BlueskySource(entry),
  normalize: normalizeBluesky,
  refresher: blueskyRefresher,
} satisfies SourceRuntime<SpecOf<typeof bluesky>, BlueskySource>;
