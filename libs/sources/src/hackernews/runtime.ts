import type { SourceRuntime, SpecOf } from '../specs/define.ts';
import type { hackernews } from './index.ts';
import { normalizeHackernews } from './normalize.ts';
import { hackernewsRefresher } from './refresher.ts';
import { HackernewsSource } from './source.ts';

/** What runs Hacker News (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry) => new HackernewsSource(entry),
  normalize: normalizeHackernews,
  refresher: hackernewsRefresher,
} satisfies SourceRuntime<SpecOf<typeof hackernews>, HackernewsSource>;
