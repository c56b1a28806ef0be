import { defineSourceSpec } from '@social-pulse/schema/sources';
import { defineSource, type SourceModule } from '../specs/define.ts';

const spec = defineSourceSpec({
  name: 'bluesky', label: 'Bluesky', colour: '#0a7aff',
  credentials: {
    vars: ['BLUESKY_HANDLE', 'BLUESKY_APP_PASSWORD'],
    plain: ['BLUESKY_HANDLE'],
    howTo: 'set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (Bluesky → Settings → Privacy and security → App passwords)',
  },
  urlCredentialHint: 'set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD',
  fields: ({ z, hashtag, listOfStrings }) => ({
    tags: z.array(hashtag, { error: 'expected a list of strings' }).default([]),
    queries: listOfStrings.default([]),
  }),
  refine: { check: (s) => s.tags.length + s.queries.length > 0, message: 'expected at least one tag or query', path: ['tags'] },
  refreshRequests: 20,
});

/** Bluesky: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const bluesky: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
