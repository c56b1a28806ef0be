/**
 * The one registry of secret values in a process, and the masks every writer applies.
 *
 * Values come from two places: the environment's credentials, registered at start-up by each
 * process (`configSecrets`), and tokens obtained at run time (a Bluesky session, a Reddit
 * OAuth token), registered by the source the moment it receives them. Every writer masks with
 * this registry: log lines, errors, reports, the run history, notices, raw pages, Parquet rows
 * and the dashboard. A token registered in one step's process is scrubbed before anything it
 * writes leaves that process (raw pages are scrubbed as they land), so later steps never see it.
 */

/** Shorter values would mask ordinary words; no credential is this short. */
const MIN_LENGTH = 4;
const MASK = '***';

const registered = new Set<string>();
/** The forms to replace, longest first: a value is replaced before a shorter one inside it. */
let forms: string[] = [];

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/**
 * The ways a value shows up when a server echoes it: as sent, URL-decoded (an X bearer token
 * carries `%2F`, `%3D`) or encoded, and inside a JSON string (escaped quotes and backslashes,
 * and `\/` as some servers write a slash).
 */
function formsOf(value: string): string[] {
  const base = [value, safeDecode(value), encodeURIComponent(value)];
  const json = base.map((v) => JSON.stringify(v).slice(1, -1));
  return [...base, ...json, ...json.map((v) => v.replaceAll('/', '\\/'))];
}

/** Adds credential values to the registry; empty and very short values (and `true`, `false`, `null`) are ignored. */
export function registerSecrets(values: Iterable<string | null | undefined>): void {
  let changed = false;
  for (const raw of values) {
    const v = raw?.trim();
    // A JSON keyword is no credential, and masking it would break every JSON document.
    if (!v || v.length < MIN_LENGTH || registered.has(v) || /^(true|false|null)$/.test(v)) continue;
    registered.add(v);
    for (const f of formsOf(v)) if (f.length >= MIN_LENGTH && !forms.includes(f)) forms.push(f);
    changed = true;
  }
  if (changed) forms = [...forms].sort((a, b) => b.length - a.length);
}

/** Whether `text` holds a registered value in any of its forms. */
export function containsSecret(text: string): boolean {
  return forms.some((f) => text.includes(f));
}

/** {@link containsSecret} for UTF-8 bytes (text about to be written), without decoding them. */
export function bytesContainSecret(bytes: Uint8Array): boolean {
  if (!forms.length) return false;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return forms.some((f) => b.includes(f));
}

/**
 * Replaces every registered value by `***`, and nothing else: for data (a post's text, a raw
 * page), where a pattern could damage what is not a secret.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(MASK);
  return out;
}

const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * `scrubSecrets` for a JSON document (or NDJSON): values are replaced inside string literals
 * only, so that the document stays valid whatever a value looks like (a value that is also a
 * field name or part of a number). A value still present outside strings (a numeric secret as
 * a number) is replaced anyway: a secret is never kept for the sake of structure. Costs one
 * scan per form when there is nothing to replace.
 */
export function scrubSecretsInJson(text: string): string {
  if (!containsSecret(text)) return text;
  const out = text.replace(JSON_STRING, (literal) => scrubSecrets(literal));
  return containsSecret(out) ? scrubSecrets(out) : out;
}

/** `user:password@` in any URL of a message. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/**
 * Masks text meant for people (log lines, errors, reports, the run history, notices): every
 * registered value, plus credentials recognizable by their shape even when unregistered
 * (bearer and basic authorization, token parameters and fields, passwords in URLs).
 */
export function maskSecrets(text: string): string {
  return scrubSecrets(text)
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)\s+[^\s"',}]+/gi, '$1$2 ***')
    .replace(/\b(access_token|refresh_token|accessJwt|refreshJwt|client_secret|password|key)=([^&\s"']+)/gi, '$1=***')
    .replace(/("(?:accessJwt|refreshJwt|access_token|refresh_token|password)"\s*:\s*)"[^"]*"/g, '$1"***"')
    .replace(URL_USERINFO, '$1***@');
}

function deep<T>(value: T, mask: (s: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => deep(v, mask)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, mask)])) as T;
  }
  return value;
}

/** `maskSecrets` on every string inside a plain value (a report, a history row, a notice). */
export function maskSecretsDeep<T>(value: T): T {
  return deep(value, maskSecrets);
}

/** `scrubSecrets` on every string inside a plain value (rows of data). */
export function scrubSecretsDeep<T>(value: T): T {
  return deep(value, scrubSecrets);
}

/** Query parameters that carry a credential. */
const SECRET_PARAMS = ['key', 'api_key', 'access_token', 'token', 'client_secret', 'password'];

/** A URL as it may be stored: no `user:password@`, credential parameters replaced by `***`. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return maskSecrets(url);
  }
  if (u.username || u.password) {
    u.username = '';
    u.password = '';
  }
  for (const p of SECRET_PARAMS) if (u.searchParams.has(p)) u.searchParams.set(p, MASK);
  return u.toString();
}
