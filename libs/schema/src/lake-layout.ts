/**
 * Where things live in the lake. Every key is relative to the lake root (a folder or
 * `gs://bucket/prefix`); `/` separates segments on both backends.
 */
export const LAKE = {
  raw: 'raw',
  posts: 'posts',
  nlp: 'nlp',
  state: '_state',
  metrics: 'metrics',
} as const;

/** `2026-11-23` of an ISO timestamp or a Date (UTC). */
export function dayOf(ts: string | Date): string {
  return (typeof ts === 'string' ? new Date(ts) : ts).toISOString().slice(0, 10);
}

export function rawKey(source: string, day: string, runId: string, seq: number): string {
  return `${LAKE.raw}/source=${source}/dt=${day}/${runId}-${String(seq).padStart(6, '0')}${RAW_PAGE_SUFFIX}`;
}

/** How a raw page's name ends. */
export const RAW_PAGE_SUFFIX = '.json.gz';
/**
 * How the name of a raw page's sidecar ends (its normalized posts, landed beside it by the
 * scraper; see libs/lake/src/sidecar.ts). Not a page: `.ndjson.gz` does not end with `.json.gz`.
 */
export const RAW_SIDECAR_SUFFIX = '.posts.ndjson.gz';

/** The sidecar key of a raw page key: `<run_id>-<n>.json.gz` → `<run_id>-<n>.posts.ndjson.gz`, in the same folder. */
export function rawSidecarKey(pageKey: string): string {
  if (!pageKey.endsWith(RAW_PAGE_SUFFIX)) throw new Error(`not a raw page key: ${pageKey}`);
  return pageKey.slice(0, -RAW_PAGE_SUFFIX.length) + RAW_SIDECAR_SUFFIX;
}

export function postsPartition(source: string, day: string): string {
  return `${LAKE.posts}/source=${source}/dt=${day}`;
}

export function nlpPartition(day: string): string {
  return `${LAKE.nlp}/dt=${day}`;
}

/** Parquet settings used for every file the lake holds. */
export const PARQUET = { compression: 'zstd', rowGroupSize: 122_880 } as const;

/** post_metrics observations, partitioned by the day they were observed. */
export function metricsPartition(day: string): string {
  return `${LAKE.metrics}/dt=${day}`;
}
