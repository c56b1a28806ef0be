import { describeError, redactUrl, type HttpResponse } from '@social-pulse/runtime';
import type { SourceName } from './list.ts';
import { encodeRawPage, keptHeaders } from './envelope.ts';
import type { Paginator } from './paginators.ts';
import type { FetchContext, FetchedPage, Keyed, Normalized, RawMeta, RawPage, SourceQuery } from './types.ts';

export { redactUrl };

/**
 * How the page error of a page whose normalizer threw begins (the scraper keeps such a page
 * as malformed; the lake writer reports the exception itself, so no sidecar is made of it).
 */
export const UNREADABLE = 'could not be read: ';

/** How a fetched page is read: its normalization, its paging keys, and (when it pages) where the next page is. */
export interface PageReader {
  normalize(page: RawPage): Normalized;
  /** Paging keys of the page's items, newest first; an item without a usable key is left out (its normalizer says why). */
  keys(body: unknown): Keyed[];
  paginator?: Paginator;
}

/**
 * A fetched response as a page for the engine: the raw-zone envelope (body verbatim,
 * credentials kept out of the recorded URL), its normalization and its paging keys.
 * Nothing a page holds can make it get lost: should reading it throw anyway, the page lands
 * as malformed (kept in the raw zone, reported) instead of taking the query down unlanded.
 */
export function fetchedPage(source: SourceName, query: SourceQuery, res: HttpResponse, ctx: FetchContext, reader: PageReader): FetchedPage {
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
  try {
    const normalized = reader.normalize(page);
    if (page.body === undefined || normalized.pageError) return { raw: page, rawText, normalized, keys: [], hasMore: false };
    const keys = reader.keys(page.body);
    const { more: hasMore, next } = keys.length > 0 && reader.paginator ? reader.paginator.update({ res, body: page.body, keys }) : { more: false };
    return { raw: page, rawText, normalized, keys, hasMore, ...(hasMore && next !== undefined ? { next } : {}) };
  } catch (e) {
    const normalized: Normalized = { posts: [], rejected: [], pageError: `${UNREADABLE}${describeError(e)}` };
    return { raw: page, rawText, normalized, keys: [], hasMore: false };
  }
}

/** Waits `ms`, unless the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}
