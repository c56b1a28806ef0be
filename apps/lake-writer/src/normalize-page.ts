import { decodeSidecar, gunzipText, jsonLinesUtf8 } from '@social-pulse/lake';
import { describeError } from '@social-pulse/runtime';
import type { PostMetric } from '@social-pulse/schema';
import { decodeRawPage, normalizeRawPage, normalizerStamp, observationsOf } from '@social-pulse/sources';

/** What the lake writer keeps of one raw page: its posts as NDJSON lines, and what went wrong. */
export interface PageResult {
  /**
   * One `JSON.stringify(post)` line per post, as UTF-8 in a buffer of its own (moved, not
   * copied, from a worker thread); not yet scrubbed of secrets: the batch writer does that.
   */
  lines: Uint8Array;
  posts: number;
  rejected: { item: string; reason: string }[];
  /** The page's post_metrics observations: one per post, and the deletions a refresh found. */
  observations: PostMetric[];
  /** Why the page as a whole could not be read (kept in raw/, reported), if it could not. */
  pageError?: string;
  /** Why the file could not be decoded at all (not gzip, not an envelope), if it could not. */
  error?: string;
}

/**
 * One raw page (gzip bytes as stored) → its normalized posts, serialized. Runs in a worker
 * thread (normalize-worker.ts) or, for small runs, in the step's own thread: the same code
 * either way, so the posts are the same.
 */
export function normalizePage(gz: Uint8Array): PageResult {
  try {
    const page = decodeRawPage(gunzipText(Buffer.from(gz.buffer, gz.byteOffset, gz.byteLength)));
    const n = normalizeRawPage(page);
    return { lines: jsonLinesUtf8(n.posts), posts: n.posts.length, rejected: n.rejected, observations: observationsOf(page, n), ...(n.pageError ? { pageError: n.pageError } : {}) };
  } catch (e) {
    return { lines: new Uint8Array(0), posts: 0, rejected: [], observations: [], error: describeError(e) };
  }
}

/** What a sidecar must say to stand for its page: the page's source (from its key) and size as stored. */
export interface SidecarExpect {
  source: string;
  pageBytes: number;
}

/**
 * A raw page's sidecar (gzip bytes as stored) → the page's result, without reading the page:
 * its post lines as they are (not parsed), its header's counts, rejections, page error and
 * observations. Undefined when the sidecar cannot stand for the page: unreadable, made by
 * another normalizer (a stamp that is not the running one's: another normalizerVersion or
 * sidecar format), or describing another page (its size): the page is then normalized.
 */
export function sidecarPage(gz: Uint8Array, expect: SidecarExpect): PageResult | undefined {
  const s = decodeSidecar(gz);
  if (!s || s.header.stamp !== normalizerStamp(expect.source) || s.header.pageBytes !== expect.pageBytes) return undefined;
  const h = s.header;
  // A buffer of its own, so that it can move between threads (gunzip's may be a view into a shared pool).
  return { lines: new Uint8Array(s.lines), posts: h.posts, rejected: h.rejected, observations: h.observations, ...(h.pageError ? { pageError: h.pageError } : {}) };
}

/** The source of a raw page from its key (`raw/source=<name>/dt=…/…`). */
export function sourceOfKey(key: string): string | undefined {
  return /(?:^|\/)source=([^/]+)\//.exec(key)?.[1];
}
