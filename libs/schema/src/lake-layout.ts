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

/**
 * `2026-11-23` of an ISO timestamp or a Date (UTC). The last string's day is kept: the lake
 * writer asks this of every observation, and a page's observations share one time (the page's
 * fetch), so the Date is made once a page instead of once a post (1.7 s of the step's thread
 * at 1M posts).
 */
export function dayOf(ts: string | Date): string {
  if (typeof ts !== 'string') return ts.toISOString().slice(0, 10);
  if (ts !== lastDay.ts) {
    lastDay.day = new Date(ts).toISOString().slice(0, 10);
    lastDay.ts = ts;
  }
  return lastDay.day;
}

/** The string {@link dayOf} was last asked about, and its day (set only once that day is known: an invalid time throws). */
const lastDay: { ts: string | undefined; day: string } = { ts: undefined, day: '' };

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
