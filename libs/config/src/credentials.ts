import type { CredentialSpec } from '@social-pulse/schema';
import { credentialsOf, missingVars, SOURCES } from '@social-pulse/sources/specs';

/**
 * Credentials come from the environment only, never from the configuration file, so they
 * cannot end up in the repository, the lake or the warehouse. Each source's spec
 * (its folder of libs/sources) says which variables it needs and where to get them; a source
 * whose credential is missing is skipped with that one line.
 */
export type { CredentialSpec };

export { credentialsOf, missingVars };

export const CREDENTIALS = credentialsOf(SOURCES);

export type CredentialSource = keyof typeof CREDENTIALS;

/** The names of the required variables of a source that are unset or empty. */
export function missingCredentials(source: CredentialSource, env: NodeJS.ProcessEnv = process.env): string[] {
  return missingVars(CREDENTIALS[source], env);
}

/** Every credential value present in the environment, so that logs and errors can mask them. */
export function secretValues(env: NodeJS.ProcessEnv = process.env, table: Record<string, CredentialSpec> = CREDENTIALS): string[] {
  const names = new Set<string>();
  for (const spec of Object.values(table)) {
    for (const v of [...spec.vars, ...(spec.optional ?? [])]) names.add(v);
  }
  for (const k of Object.keys(env)) if (/(TOKEN|SECRET|PASSWORD|_KEY)$/.test(k)) names.add(k);
  return [...names].map((n) => env[n]?.trim() ?? '').filter((v) => v.length >= 4);
}
