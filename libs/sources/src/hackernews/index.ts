import { defineSourceSpec } from '@social-pulse/schema/sources';
import type { EntryOf } from '../specs/entry.ts';
import { defineSource, type SourceModule } from '../specs/define.ts';

const spec = defineSourceSpec({
  name: 'hackernews', label: 'Hacker News', colour: '#ff6600',
  credentials: { vars: [], howTo: 'no credential needed' },
  urlCredentialHint: 'the Hacker News API needs none',
  fields: ({ z, nonEmptyList }) => ({
    queries: nonEmptyList,
    /** Algolia item tags: `story` (default), `comment`, `ask_hn`, `show_hn`. */
    tags: z.array(z.enum(['story', 'comment', 'ask_hn', 'show_hn', 'poll'])).min(1).default(['story']),
  }),
  refreshRequests: 10,
});

/** Hacker News's spec, as its runtime types it. */
export type HackernewsSpec = typeof spec;
/** A configuration entry of Hacker News. */
export type HackernewsSourceConfig = EntryOf<HackernewsSpec>;

/** Hacker News: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const hackernews: SourceModule<HackernewsSpec> = defineSource(spec, {
  normalizerVersion: 1,
  runtime: () => import('./runtime.ts'),
});
