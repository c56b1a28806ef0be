import { checkLakeFiles, nlpFilesAfter, type LakeStore } from '@social-pulse/lake';
import type { LoadResult, Warehouse } from '@social-pulse/warehouse';

/** Warehouse state key: the last nlp/ file merged. */
export const NLP_WATERMARK = 'loader.nlp_through';

/**
 * MERGEs every nlp/ file written since the last load into post_nlp (newer enriched_at wins),
 * then moves the watermark; like posts, a crash in between redoes an idempotent MERGE.
 */
export async function loadNlpFiles(lake: LakeStore, w: Warehouse): Promise<LoadResult & { files: number }> {
  const files = await nlpFilesAfter(lake, await w.getState(NLP_WATERMARK));
  if (!files.length) return { files: 0, rowsIn: 0, inserted: 0, updated: 0 };
  // BigQuery loads from Cloud Storage URIs; DuckDB reads local copies.
  const sources = w.kind === 'bigquery' ? files.map((f) => lake.url(f.key)) : await Promise.all(files.map((f) => lake.localPath(f.key)));
  if (w.kind !== 'bigquery') await checkLakeFiles(lake, files.map((f) => f.key), 'nlp');
  const r = await w.loadNlp(sources);
  const last = files.at(-1)!.key;
  await w.setState(NLP_WATERMARK, last.slice(last.lastIndexOf('/') + 1));
  return { files: files.length, ...r };
}
