/**
 * Masks credential values wherever text leaves the process (logs, errors, the run
 * history). Values are registered once at start-up from the environment; any string
 * can then be scrubbed before it is written.
 */
const registered = new Set<string>();

export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) if (v && v.length >= 4) registered.add(v);
}

export function maskSecrets(text: string): string {
  let out = text;
  for (const v of registered) if (out.includes(v)) out = out.split(v).join('***');
  // Bearer tokens and basic credentials in URLs or headers, even unregistered ones.
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)\s+[^\s"',}]+/gi, '$1$2 ***')
    .replace(/\b(access_token|refresh_token|accessJwt|refreshJwt|client_secret|password|key)=([^&\s"']+)/gi, '$1=***')
    .replace(/("(?:accessJwt|refreshJwt|access_token|refresh_token|password)"\s*:\s*)"[^"]*"/g, '$1"***"');
}
