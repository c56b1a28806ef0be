import { maskSecrets } from './secrets.ts';

/** An error meant for the user: its message says what to do; no stack unless --debug. */
export class PulseError extends Error {
  override readonly name: string = 'PulseError';
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(maskSecrets(message), options);
  }
}

/** An HTTP response that is not what the API promised (status, body shape). */
export class HttpError extends PulseError {
  override readonly name = 'HttpError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, 1, options);
  }
}

/** The one-line, secret-free description of any thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return maskSecrets(e.message);
  return maskSecrets(String(e));
}
