import { defineSourceSpec } from '@social-pulse/schema/sources';
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

/** Hacker News: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const hackernews: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
