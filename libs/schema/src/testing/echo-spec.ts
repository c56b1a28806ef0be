import { defineSourceSpec } from '../sources/spec.ts';

/**
 * Echo: a made-up network that exists only in tests (its runtime is
 * libs/sources/src/testing/echo/). The tests add it to each derived list through that list's
 * parameter (`configSchemaOf`, `LoadOptions.sources`, `credentialsOf`, `createSources`,
 * `normalizeRawPage`, `refresherFor`, `checkSources`, `coloursOf`…), never to SOURCE_SPECS,
 * and show that a source needs nothing besides its spec and its definition.
 */
export const echoSpec = defineSourceSpec({
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
