import { checkLakeFiles, metricsFilesAfter, type LakeStore } from '@social-pulse/lake';
import type { LoadResult, Warehouse } from '@social-pulse/warehouse';

/** Warehouse state key: the last metrics/ file merged. */
export const METRICS_WATERMARK = 'loader.metrics_through';

/**
 * MERGEs every metrics/ file written since the last load into post_metrics (an observation,
 * keyed by post_id and observed_at, is written once), then moves the watermark; like posts,
 * a crash in between redoes an idempotent MERGE.
 */
export async function loadMetricsFiles(lake: LakeStore, w: Warehouse): Promise<LoadResult & { files: number }> {
  const files = await metricsFilesAfter(lake, await w.getState(METRICS_WATERMARK));
  if (!files.length) return { files: 0, rowsIn: 0, inserted: 0, updated: 0 };
  // BigQuery loads from Cloud Storage URIs; DuckDB reads local copies.
  const sources = w.kind === 'bigquery' ? files.map((f) => lake.url(f.key)) : await Promise.all(files.map((f) => lake.localPath(f.key)));
  if (w.kind !== 'bigquery') await checkLakeFiles(lake, files.map((f) => f.key), 'metrics');
  const r = await w.loadMetrics(sources);
  const last = files.at(-1)!.key;
  await w.setState(METRICS_WATERMARK, last.slice(last.lastIndexOf('/') + 1));
  return { files: files.length, ...r };
}
