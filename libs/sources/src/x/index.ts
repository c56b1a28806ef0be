import { defineSourceSpec } from '@social-pulse/schema/sources';
import { defineSource, type SourceModule } from '../specs/define.ts';

/** X reads are paid per post, so its refresh budget stays small. */
const spec = defineSourceSpec({
  name: 'x', label: 'X', colour: '#111827',
  credentials: { vars: ['X_BEARER_TOKEN'], howTo: 'set X_BEARER_TOKEN (a paid X API app at developer.x.com → Keys and tokens)' },
  urlCredentialHint: 'set X_BEARER_TOKEN',
  fields: ({ nonEmptyList }) => ({
    queries: nonEmptyList,
  }),
  refreshRequests: 1,
});

/** X: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const x: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
