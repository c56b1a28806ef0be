/** Query parameters that carry a credential. */
const SECRET_PARAMS = new Set(['access_token', 'token', 'key', 'api_key', 'apikey', 'client_secret', 'password']);

/**
 * Whether a URL carries a credential: a user name or password (`user:pass@`), or a token
 * parameter. A configuration file is shared, committed and printed; credentials belong in
 * the environment, and a URL that carries one would be sent, logged and stored with it.
 */
export function urlHasCredentials(value: string): boolean {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  return Boolean(u.username || u.password) || [...u.searchParams.keys()].some((k) => SECRET_PARAMS.has(k.toLowerCase()));
}

/** The problem, without the value (it holds the secret). `instead` says where the credential goes. */
export const urlCredentialsMessage = (instead: string) =>
  `must not carry a user name, a password or a token (user:pass@, ?token=): credentials come only from the environment; ${instead}`;
