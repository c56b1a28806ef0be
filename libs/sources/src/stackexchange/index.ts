import { defineSourceSpec } from '@social-pulse/schema/sources';
import { defineSource, type SourceModule } from '../specs/define.ts';

const spec = defineSourceSpec({
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

/** Stack Exchange: its spec, its normalizer version and what runs it (runtime.ts, loaded on demand). */
export const stackexchange: SourceModule<typeof spec> = defineSource(spec, { normalizerVersion: 1, runtime: () => import('./runtime.ts') });
