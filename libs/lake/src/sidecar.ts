import { gunzipSync } from 'node:zlib';
import type { PostMetric } from '@social-pulse/schema';
import { jsonLines } from './ndjson.ts';

/**
 * A raw page's sidecar (`<run_id>-<n>.posts.ndjson.gz`, beside the page in raw/): what the
 * lake writer would make of the page, made once by the scraper, which has just normalized it
 * (issue 17: a page is normalized once). Gzip text: one header line (a JSON object), then the
 * page's posts as NDJSON lines, byte for byte what the lake writer hands DuckDB for the page.
 *
 * The page itself is never touched: a page without its sidecar (older lakes, generated raw
 * zones, a page whose sidecar could not be made) is normalized by the writer as before, and
 * so is a page whose sidecar's stamp is not the running normalizer's.
 */
export interface SidecarHeader {
  /** The normalizer that made it (`<source>@<normalizerVersion>+s<format>`, see normalizerStamp in libs/sources). */
  stamp: string;
  /** Size in bytes of the raw page as stored (gzip): a sidecar that does not describe the page beside it is ignored. */
  pageBytes: number;
  /** Post lines that follow the header. */
  posts: number;
  rejected: { item: string; reason: string }[];
  /** Why the page as a whole could not be read (kept in raw/, reported), if it could not. */
  pageError?: string;
  /** The page's post_metrics observations (observationsOf in libs/sources). */
  observations: PostMetric[];
}

/** What the scraper hands RawZone.land for a sidecar: the header's fields the zone does not know, and the posts. */
export interface SidecarInput {
  stamp: string;
  posts: readonly object[];
  rejected: { item: string; reason: string }[];
  pageError?: string;
  observations: readonly object[];
}

/** The text of a sidecar (not yet scrubbed: RawZone scrubs it as it lands). */
export function encodeSidecar(input: SidecarInput, pageBytes: number): string {
  const header = {
    stamp: input.stamp,
    pageBytes,
    posts: input.posts.length,
    rejected: input.rejected,
    ...(input.pageError !== undefined ? { pageError: input.pageError } : {}),
    observations: input.observations,
  };
  return `${JSON.stringify(header)}\n${jsonLines(input.posts)}`;
}

const NEWLINE = 0x0a;

/**
 * A sidecar's header and its post lines (UTF-8, exactly as stored after the header, not parsed),
 * from its gzip bytes; undefined when it cannot be read or does not hold what its header says
 * (the writer then normalizes the page itself).
 */
export function decodeSidecar(gz: Uint8Array): { header: SidecarHeader; lines: Uint8Array } | undefined {
  let text: Buffer;
  try {
    text = gunzipSync(gz);
  } catch {
    return undefined;
  }
  const end = text.indexOf(NEWLINE);
  if (end < 0) return undefined;
  let header: SidecarHeader;
  try {
    header = JSON.parse(text.subarray(0, end).toString('utf8')) as SidecarHeader;
  } catch {
    return undefined;
  }
  if (
    !header ||
    typeof header.stamp !== 'string' ||
    typeof header.pageBytes !== 'number' ||
    typeof header.posts !== 'number' ||
    !Array.isArray(header.rejected) ||
    !Array.isArray(header.observations)
  ) {
    return undefined;
  }
  const lines = text.subarray(end + 1);
  // One line per post, each ending with a newline: a sidecar cut short or padded is not used.
  let count = 0;
  for (let i = lines.indexOf(NEWLINE); i >= 0; i = lines.indexOf(NEWLINE, i + 1)) count++;
  if (count !== header.posts || (lines.byteLength > 0 && lines[lines.byteLength - 1] !== NEWLINE)) return undefined;
  return { header, lines };
}
