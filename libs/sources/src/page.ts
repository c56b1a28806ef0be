import { redactUrl, type HttpResponse } from '@social-pulse/runtime';
import type { SourceName } from '@social-pulse/schema';
import { encodeRawPage, keptHeaders } from './envelope.ts';
import type { FetchContext, FetchedPage, Keyed, Normalized, RawMeta, RawPage, SourceQuery } from './types.ts';

export { redactUrl };

/**
 * A fetched response as a page for the engine: the raw-zone envelope (body verbatim,
 * credentials kept out of the recorded URL), its normalization and its paging keys.
 */
export function fetchedPage(
  source: SourceName,
  query: SourceQuery,
  res: HttpResponse,
  ctx: FetchContext,
  normalize: (page: RawPage) => Normalized,
  keysOf: (body: unknown) => Keyed[],
  hasMore: (body: unknown, keys: Keyed[]) => boolean,
): FetchedPage {
  const meta: RawMeta = {
    source,
    query: query.label,
    queryKey: query.key,
    url: redactUrl(res.url),
    status: res.status,
    fetched_at: ctx.now().toISOString(),
    run_id: ctx.runId,
    headers: keptHeaders(res.headers),
  };
  const { page, text: rawText } = encodeRawPage(meta, res.body);
  const normalized = normalize(page);
  const keys = page.body === undefined || normalized.pageError ? [] : keysOf(page.body);
  return { raw: page, rawText, normalized, keys, hasMore: keys.length > 0 && hasMore(page.body, keys) };
}

/** ISO time of a date-ish value, or undefined when it is not a date. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const t = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** Waits `ms`, unless the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

/** The first issue of a zod error as `path: message`. */
export function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }, what: string): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.') || what}: ${issue.message}`;
}
