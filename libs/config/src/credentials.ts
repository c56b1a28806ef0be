/**
 * Credentials come from the environment only, never from the configuration file, so they
 * cannot end up in the repository, the lake or the warehouse. Each source says which
 * variables it needs and where to get them; a source whose credential is missing is
 * skipped with that one line.
 */
export interface CredentialSpec {
  vars: readonly string[];
  optional?: readonly string[];
  howTo: string;
}

export const CREDENTIALS = {
  mastodon: { vars: [], howTo: 'no credential needed (set tokenEnv for instances that require a token)' },
  hackernews: { vars: [], howTo: 'no credential needed' },
  stackexchange: {
    vars: [],
    optional: ['STACKEXCHANGE_KEY'],
    howTo: 'no credential needed; STACKEXCHANGE_KEY (register an app at stackapps.com) raises the daily quota',
  },
  bluesky: {
    vars: ['BLUESKY_HANDLE', 'BLUESKY_APP_PASSWORD'],
    howTo: 'set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (Bluesky → Settings → Privacy and security → App passwords)',
  },
  reddit: {
    vars: ['REDDIT_CLIENT_ID', 'REDDIT_CLIENT_SECRET'],
    howTo: 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (an approved "script" app at reddit.com/prefs/apps)',
  },
  x: { vars: ['X_BEARER_TOKEN'], howTo: 'set X_BEARER_TOKEN (a paid X API app at developer.x.com → Keys and tokens)' },
} as const satisfies Record<string, CredentialSpec>;

export type CredentialSource = keyof typeof CREDENTIALS;

/** The names of the required variables that are unset or empty. */
export function missingCredentials(source: CredentialSource, env: NodeJS.ProcessEnv = process.env): string[] {
  return CREDENTIALS[source].vars.filter((v) => !env[v]?.trim());
}

/** Every credential value present in the environment, so that logs and errors can mask them. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set<string>();
  for (const spec of Object.values(CREDENTIALS) as CredentialSpec[]) {
    for (const v of [...spec.vars, ...(spec.optional ?? [])]) names.add(v);
  }
  for (const k of Object.keys(env)) if (/(TOKEN|SECRET|PASSWORD|_KEY)$/.test(k)) names.add(k);
  return [...names].map((n) => env[n]?.trim() ?? '').filter((v) => v.length >= 4);
}
