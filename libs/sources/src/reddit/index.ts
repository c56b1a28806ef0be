import { defineSourceSpec } from '@social-pulse/schema/sources';
import { defineSource, type SourceModule } from '../specs/define.ts';

const CREDENTIALS = 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET';

const spec = defineSourceSpec({
  name: 'reddit', label: 'Reddit', colour: '#ff4500',
  credentials: {
    vars: ['REDDIT_CLIENT_ID', 'REDDIT_CLIENT_SECRET'],
    howTo: 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (an approved "script" app at reddit.com/prefs/apps)',
  },
  urlCredentialHint: CREDENTIALS,
  fields: ({ z, apiUrl }) => ({
    subreddits: z
      .array(z.string().trim().transform((s) => s.replace(/^\/?r\//, '')).pipe(z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'expected a subreddit name')), {
        error: 'expected a list of strings',
      })
      .min(1, 'expected at least one subreddit'),
    /** Token endpoint root (default https://www.reddit.com). */
    authUrl: apiUrl(CREDENTIALS).optional(),
  }),
  refreshRequests: 10,
});

/** Reddit: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const reddit: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
