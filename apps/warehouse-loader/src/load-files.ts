import { checkLakeFiles, LAKE_ZONES, type LakeStore } from '@social-pulse/lake';
import type { LoadResult, Warehouse } from '@social-pulse/warehouse';

/** What the loader merges from a Parquet zone of the lake, and where it keeps its watermark. */
export interface LoadedZone {
  zone: 'posts' | 'nlp' | 'metrics';
  /** Warehouse state key: the last file of the zone merged. */
  watermark: string;
  /** The MERGE of some of the zone's files into their table (idempotent). */
  merge(w: Warehouse, sources: string[]): Promise<LoadResult>;
  /** Whether the MERGE runs even with no new file (posts: it tells what the load touched). */
  mergeEmpty?: boolean;
}

/**
 * MERGEs every file of the zone written since the last load (its watermark, kept in the
 * warehouse itself, so a new, empty warehouse is filled from the whole lake), then moves the
 * watermark; a crash in between (`merged` marks the spot) redoes an idempotent MERGE.
 */
export async function loadZoneFiles(lake: LakeStore, w: Warehouse, z: LoadedZone, merged?: () => void): Promise<LoadResult & { files: number }> {
  const zone = LAKE_ZONES[z.zone];
  const files = await zone.filesAfter(lake, await w.getState(z.watermark));
  if (!files.length && !z.mergeEmpty) return { files: 0, rowsIn: 0, inserted: 0, updated: 0 };
  // BigQuery's load jobs read the files in the bucket (gs:// URIs); DuckDB reads local files
  // (for a bucket lake, copies downloaded once per generation).
  const sources = w.kind === 'bigquery' ? files.map((f) => lake.url(f.key)) : await Promise.all(files.map((f) => lake.localPath(f.key)));
  // A foreign file would fail the MERGE without its name (BigQuery's load job names it itself).
  if (w.kind !== 'bigquery') await checkLakeFiles(lake, files.map((f) => f.key), z.zone);
  const r = await z.merge(w, sources);
  merged?.();
  const through = zone.watermark(files);
  if (through) await w.setState(z.watermark, through);
  return { files: files.length, ...r };
}

/** posts/ files into posts (see the warehouse's loadPosts). */
export const POSTS: LoadedZone = { zone: 'posts', watermark: 'loader.posts_through', merge: (w, sources) => w.loadPosts(sources), mergeEmpty: true };
/** nlp/ files into post_nlp (newer enriched_at wins). */
export const NLP: LoadedZone = { zone: 'nlp', watermark: 'loader.nlp_through', merge: (w, sources) => w.loadNlp(sources) };
/** metrics/ files into post_metrics (an observation, keyed by post_id and observed_at, is written once). */
export const METRICS: LoadedZone = { zone: 'metrics', watermark: 'loader.metrics_through', merge: (w, sources) => w.loadMetrics(sources) };

export const POSTS_WATERMARK = POSTS.watermark;
export const NLP_WATERMARK = NLP.watermark;
export const METRICS_WATERMARK = METRICS.watermark;

/** MERGEs every nlp/ file written since the last load into post_nlp. */
export const loadNlpFiles = (lake: LakeStore, w: Warehouse) => loadZoneFiles(lake, w, NLP);
/** MERGEs every metrics/ file written since the last load into post_metrics. */
export const loadMetricsFiles = (lake: LakeStore, w: Warehouse) => loadZoneFiles(lake, w, METRICS);
