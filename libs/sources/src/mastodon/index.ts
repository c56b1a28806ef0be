import { defineSourceSpec } from '@social-pulse/schema/sources';
import { defineSource, type SourceModule } from '../specs/define.ts';

const TOKEN = "set tokenEnv: NAME, the name of a variable holding the instance's access token";

const spec = defineSourceSpec({
  name: 'mastodon', label: 'Mastodon', colour: '#6364ff',
  credentials: { vars: [], howTo: 'no credential needed (set tokenEnv for instances that require a token)' },
  urlCredentialHint: TOKEN,
  fields: ({ z, apiUrl, hashtag, envName }) => ({
    instances: z.array(apiUrl(TOKEN), { error: 'expected a list of instance URLs' }).min(1, 'expected at least one instance'),
    tags: z.array(hashtag, { error: 'expected a list of strings' }).min(1, 'expected at least one tag'),
    /** Name of an environment variable holding an access token, for instances that require one. */
    tokenEnv: envName.optional(),
  }),
  refreshRequests: 20,
});

/** Mastodon: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const mastodon: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
