import type { LookupFunction } from 'node:net';
import type { Got, OptionsInit, RequestError } from 'got-scraping';
import pLimit from 'p-limit';
import { HttpError } from './errors.ts';
import { silentLogger, type Logger } from './log.ts';
import { maskSecrets, redactUrl } from './secrets.ts';

export interface HttpClientOptions {
  /** Descriptive User-Agent: who we are and how to reach the operator. */
  userAgent: string;
  timeoutMs?: number;
  retries?: number;
  /** Longest server-requested wait (Retry-After, rate-limit reset) we honour before giving up. */
  maxRetryAfterMs?: number;
  /** First backoff step; doubles each attempt, with full jitter. */
  backoffBaseMs?: number;
  /** Requests in flight at once through this client. */
  concurrency?: number;
  logger?: Logger;
  signal?: AbortSignal;
  /** Resolves host names instead of `dns.lookup` (tests answer ENOTFOUND without a resolver). */
  lookup?: LookupFunction;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  searchParams?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
}

const RETRY_STATUS = [408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 524];
const MAX_BACKOFF_MS = 60_000;
/**
 * A name that does not resolve (ENOTFOUND), or a resolver that cannot answer (EAI_AGAIN), is
 * rarely fixed by waiting: one quick retry covers a resolver's hiccup, and backing off five
 * times only held each run about 20 s per source.
 */
const DNS_CODES: Record<string, string> = { ENOTFOUND: 'host not found', EAI_AGAIN: 'DNS lookup failed' };
const DNS_RETRY_MS = 1000;

function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * When a rate-limit window resets, from the headers each network sends:
 * `x-ratelimit-reset` is seconds-until-reset on Reddit, epoch seconds on X, an ISO time on
 * Mastodon; `ratelimit-reset` (IETF draft) is seconds. Returns ms from now, or undefined.
 */
export function rateLimitResetMs(headers: HttpResponse['headers'], now = Date.now()): number | undefined {
  const raw = header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset') ?? header(headers, 'x-rate-limit-reset');
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, n > 1e9 ? n * 1000 - now : n * 1000);
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** True when the response says no request is left in the current window. */
export function rateLimitExhausted(headers: HttpResponse['headers']): boolean {
  const raw =
    header(headers, 'x-ratelimit-remaining') ?? header(headers, 'ratelimit-remaining') ?? header(headers, 'x-rate-limit-remaining');
  return raw !== undefined && Number(raw) < 1;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/**
 * The one HTTP client every source uses (got-scraping, with its browser-header generator
 * off: APIs get an honest User-Agent). Retries 429/5xx, timeouts and resets with
 * exponential backoff and full jitter; honours Retry-After and rate-limit reset headers up
 * to `maxRetryAfterMs`; and waits out an exhausted rate-limit window before the next
 * request instead of provoking a 429.
 */
export class HttpClient {
  /** Retries made so far (recorded in the run history). */
  retries = 0;
  /** got-scraping is loaded with the first request: a process that sends none never loads it. */
  private got?: Promise<Got>;
  private readonly gotOptions: OptionsInit;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly log: Logger;
  private readonly maxWait: number;
  private readonly notBefore = new Map<string, number>();
  /** Hosts whose name did not resolve: not asked again by this client (one source, one run). */
  private readonly unresolved = new Map<string, string>();

  constructor(private readonly opts: HttpClientOptions) {
    this.log = opts.logger ?? silentLogger;
    this.maxWait = opts.maxRetryAfterMs ?? 300_000;
    this.limit = pLimit(opts.concurrency ?? 2);
    const base = opts.backoffBaseMs ?? 1000;
    const maxWait = this.maxWait;
    this.gotOptions = {
      useHeaderGenerator: false,
      http2: false,
      ...(opts.lookup ? { dnsLookup: opts.lookup } : {}),
      headers: { 'user-agent': opts.userAgent, accept: 'application/json' },
      timeout: { request: opts.timeoutMs ?? 30_000 },
      responseType: 'text',
      throwHttpErrors: true,
      retry: {
        limit: opts.retries ?? 5,
        methods: ['GET', 'POST'],
        statusCodes: RETRY_STATUS,
        maxRetryAfter: maxWait,
        calculateDelay: ({ attemptCount, error, computedValue, retryAfter }) => {
          if (computedValue === 0) return 0; // got's own rules say: do not retry
          if (error.code && error.code in DNS_CODES) return attemptCount > 1 ? 0 : Math.min(base, DNS_RETRY_MS) * (0.5 + Math.random() / 2);
          if (retryAfter !== undefined && retryAfter > 0) return retryAfter + Math.random() * 250;
          const headers = error.response?.headers;
          if (headers && rateLimitExhausted(headers)) {
            const reset = rateLimitResetMs(headers);
            if (reset !== undefined) return reset > maxWait ? 0 : reset + Math.random() * 250;
          }
          // Full jitter: spread retries of many clients over the whole backoff window.
          const ceiling = Math.min(base * 2 ** (attemptCount - 1), MAX_BACKOFF_MS);
          return ceiling / 2 + Math.random() * (ceiling / 2);
        },
      },
      hooks: {
        beforeRetry: [
          (error: RequestError, retryCount: number) => {
            this.retries += 1;
            const status = error.response?.statusCode;
            this.log.warn(
              `retry ${retryCount} of ${maskSecrets(redactUrl(String(error.options.url)))} after ${status ?? error.code ?? error.message}`,
            );
          },
        ],
      },
    } as OptionsInit;
  }

  private client(): Promise<Got> {
    this.got ??= import('got-scraping').then(({ gotScraping }) => gotScraping.extend(this.gotOptions) as Got);
    return this.got;
  }

  get(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('GET', url, options);
  }

  post(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('POST', url, options);
  }

  private async waitForWindow(host: string): Promise<void> {
    const until = this.notBefore.get(host);
    if (!until) return;
    const wait = until - Date.now();
    if (wait <= 0) return void this.notBefore.delete(host);
    if (wait > this.maxWait) {
      throw new HttpError(
        `${host}: rate limit exhausted for another ${Math.ceil(wait / 1000)} s (longer than http.maxRetryAfterMs); try again later`,
        429,
        host,
      );
    }
    this.log.info(`${host}: rate-limit window exhausted, waiting ${Math.ceil(wait / 1000)} s`);
    await sleep(wait, this.opts.signal);
  }

  private request(method: 'GET' | 'POST', url: string, options: RequestOptions): Promise<HttpResponse> {
    return this.limit(async () => {
      const target = new URL(url);
      for (const [k, v] of Object.entries(options.searchParams ?? {})) if (v !== undefined) target.searchParams.set(k, String(v));
      const where = `${method} ${target.origin}${target.pathname}`;
      const failedDns = this.unresolved.get(target.hostname);
      if (failedDns) throw new HttpError(dnsMessage(failedDns, target.hostname, where, 'not asked again this run'), undefined, where);
      await this.waitForWindow(target.host);
      try {
        const got = await this.client();
        const res = await got(target.toString(), {
          method,
          headers: options.headers,
          ...(options.json !== undefined ? { json: options.json } : {}),
          ...(options.form ? { form: options.form } : {}),
          ...(this.opts.signal ? { signal: this.opts.signal } : {}),
        });
        const out: HttpResponse = { url: res.url, status: res.statusCode, headers: res.headers, body: res.body as string };
        if (rateLimitExhausted(out.headers)) {
          const reset = rateLimitResetMs(out.headers);
          if (reset !== undefined) this.notBefore.set(target.host, Date.now() + reset);
        }
        return out;
      } catch (e) {
        const err = e as RequestError;
        const status = err.response?.statusCode;
        if (!status && err.code && err.code in DNS_CODES) {
          this.unresolved.set(target.hostname, err.code);
          const retried = (err.request?.retryCount ?? 0) > 0 ? 'retried once, ' : '';
          throw new HttpError(dnsMessage(err.code, target.hostname, where, `${retried}not asked again this run`), undefined, where, { cause: e });
        }
        const body = typeof err.response?.body === 'string' ? err.response.body.slice(0, 300) : '';
        const what = status ? `HTTP ${status}${body ? `: ${body.replace(/\s+/g, ' ')}` : ''}` : (err.code ?? err.message);
        throw new HttpError(`${where} failed after ${err.request?.retryCount ?? 0} retries: ${what}`, status, where, { cause: e });
      }
    });
  }
}

/** `host not found: api.x.com (ENOTFOUND, GET https://api.x.com/2/…; retried once, …)`: the summary line's words. */
function dnsMessage(code: string, host: string, where: string, then: string): string {
  const temporary = code === 'EAI_AGAIN' ? ', a temporary resolver failure' : '';
  return `${DNS_CODES[code]}: ${host} (${code}${temporary}, ${where}; ${then})`;
}

/** The User-Agent every request carries. */
export function userAgent(version: string, contact?: string): string {
  return `social-pulse/${version} (+https://github.com/social-pulse/social-pulse${contact ? `; ${contact}` : ''})`;
}
