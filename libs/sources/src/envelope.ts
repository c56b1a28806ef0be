import { redactUrl } from '@social-pulse/runtime';
import type { RawMeta, RawPage } from './types.ts';

/**
 * The raw zone stores each page as `{"meta": {...}, "body": <the response body verbatim>}`
 * when the body is JSON, so the bytes the API sent are kept exactly and the file is still
 * one JSON document; a body that is not valid JSON is kept as a string in `body_text`. The
 * URL is recorded without credentials (`user:password@`, token parameters).
 */
export function encodeRawPage(fetched: RawMeta, bodyText: string): { text: string; page: RawPage } {
  // Whichever source built it, the recorded URL carries no credential.
  const meta: RawMeta = { ...fetched, url: redactUrl(fetched.url) };
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { text: JSON.stringify({ meta, body_text: bodyText }), page: { meta, body: undefined, bodyText } };
  }
  return { text: `{"meta":${JSON.stringify(meta)},"body":${bodyText.trim()}}`, page: { meta, body } };
}

/** Parse a raw-zone document back into a page. Throws on a document that is not an envelope. */
export function decodeRawPage(text: string): RawPage {
  const doc = JSON.parse(text) as { meta?: RawMeta; body?: unknown; body_text?: string };
  if (!doc || typeof doc !== 'object' || !doc.meta || typeof doc.meta.source !== 'string') {
    throw new Error('not a raw-zone envelope (no meta.source)');
  }
  return doc.body_text !== undefined
    ? { meta: doc.meta, body: undefined, bodyText: doc.body_text }
    : { meta: doc.meta, body: doc.body };
}

/** The response headers worth keeping in the raw zone. */
export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (k === 'link' || k === 'date' || k === 'content-type' || k.includes('ratelimit') || k.includes('rate-limit') || k === 'retry-after') {
      out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
  }
  return out;
}
