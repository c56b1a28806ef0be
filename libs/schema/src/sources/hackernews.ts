import { defineSourceSpec } from './spec.ts';

export const hackernewsSpec = defineSourceSpec({
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
