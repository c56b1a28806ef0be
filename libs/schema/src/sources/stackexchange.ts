import { defineSourceSpec } from './spec.ts';

export const stackexchangeSpec = defineSourceSpec({
  name: 'stackexchange', label: 'Stack Exchange', colour: '#f48024',
  credentials: {
    vars: [],
    optional: ['STACKEXCHANGE_KEY'],
    howTo: 'no credential needed; STACKEXCHANGE_KEY (register an app at stackapps.com) raises the daily quota',
  },
  urlCredentialHint: 'set STACKEXCHANGE_KEY',
  fields: ({ z, nonEmptyList }) => ({
    tags: nonEmptyList,
    /** The Stack Exchange site, e.g. `stackoverflow`, `datascience`, `dba`. */
    site: z.string().regex(/^[a-z.]+$/, 'expected a site name such as stackoverflow').default('stackoverflow'),
  }),
  refreshRequests: 5,
});
