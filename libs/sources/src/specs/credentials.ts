import type { AnySourceSpec, CredentialSpec } from '@social-pulse/schema';

/** The credential table of `specs`, by source name. */
export function credentialsOf<S extends AnySourceSpec>(specs: readonly S[]): Record<S['name'], CredentialSpec> {
  return Object.fromEntries(specs.map((s) => [s.name, s.credentials])) as Record<S['name'], CredentialSpec>;
}

/** The names of the required variables of `spec` that are unset or empty. */
export function missingVars(spec: CredentialSpec, env: NodeJS.ProcessEnv = process.env): string[] {
  return spec.vars.filter((v) => !env[v]?.trim());
}
