export type { LakeStore, LakeObject, WriteOptions } from './store/store.ts';
export { AlreadyExistsError, PreconditionFailedError } from './store/store.ts';
export { LocalStore } from './store/local.ts';
export { GcsStore, type GcsStoreOptions } from './store/gcs.ts';
export { openLake, gcsClient, type OpenLakeOptions } from './open.ts';
export { RawZone, gunzipText, landSidecar, type LandOptions } from './raw.ts';
export { decodeSidecar, encodeSidecar, type SidecarHeader, type SidecarInput } from './sidecar.ts';
export { StateError, StateStore, type StateReadOptions, type StateSchema } from './state.ts';
export { mergePosts, PostsMerge } from './posts.ts';
export { jsonLines, jsonLinesUtf8, NdjsonWriter } from './ndjson.ts';
export type { MergeResult, PostsMergeOptions } from './posts.ts';
export { readNlpIndex, readNlpRows, readPostTexts, streamPostTexts, writeNlp } from './nlp.ts';
export type { NlpWriteResult, PostText } from './nlp.ts';
export { checkGcsLake, type LakeCheck } from './check.ts';
export { checkLakeFiles, LakeFileError, type ParquetZone } from './columns.ts';
export { MAX_NLP_SHARDS, nlpShardOf, nlpShardProgress, nlpShardStateName, nlpShardTag, parseNlpShard } from './shard.ts';
export type { NlpShard, NlpShardProgress } from './shard.ts';
export { MetricsWriter, readMetrics, recentPosts, writeMetrics } from './metrics.ts';
export type { RecentPost } from './metrics.ts';
export {
  LAKE_ZONES,
  ZoneCursor,
  metricsFiles,
  metricsFilesAfter,
  nlpFiles,
  nlpFilesAfter,
  postsFilesAfter,
  rawFilesAfter,
  rawOrder,
  rawWatermarkProblem,
  watermarkFromFuture,
  lakeWriterInput,
  lakeWriterState,
} from './zone.ts';
export type { LakeWriterState, LakeZone, ZoneCursorOptions, ZoneFile, ZoneName } from './zone.ts';
