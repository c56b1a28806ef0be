import { defineSourceSpec } from './spec.ts';

/** X reads are paid per post, so its refresh budget stays small. */
export const xSpec = defineSourceSpec({
  name: 'x', label: 'X', colour: '#111827',
  credentials: { vars: ['X_BEARER_TOKEN'], howTo: 'set X_BEARER_TOKEN (a paid X API app at developer.x.com → Keys and tokens)' },
  urlCredentialHint: 'set X_BEARER_TOKEN',
  fields: ({ nonEmptyList }) => ({
    queries: nonEmptyList,
  }),
  refreshRequests: 1,
});
