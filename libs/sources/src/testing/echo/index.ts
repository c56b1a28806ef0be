import { defineSourceSpec } from '@social-pulse/schema/sources';
import { defineSource, type SourceModule } from '../../specs/define.ts';

/**
 * Echo: a made-up network that exists only in tests, whole in this folder (its spec here, its
 * runtime in runtime.ts, a fake server, echo.spec.ts). The tests add it to each derived list
 * through that list's parameter (`configSchemaOf`, `LoadOptions.sources`, `credentialsOf`,
 * `createSources`, `normalizeRawPage`, `refresherFor`, `checkSources`, the dashboard's source
 * list…), never to SOURCES, and show that a source needs nothing besides its folder and its
 * line in SOURCES.
 */
const spec = defineSourceSpec({
  name: 'echo', label: 'Echo', colour: '#0d9488',
  credentials: { vars: ['ECHO_TOKEN'], optional: ['ECHO_QUOTA_KEY'], howTo: 'set ECHO_TOKEN (any value: the fake Echo server takes it)' },
  urlCredentialHint: 'set ECHO_TOKEN',
  fields: ({ z, nonEmptyList }) => ({
    channels: nonEmptyList,
    /** Items per page asked for. */
    pageSize: z.number().int().min(1).max(50).default(2),
  }),
  refreshRequests: 3,
});

export const echo: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
