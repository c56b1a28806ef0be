export type { Field, FieldType, ScalarType, StructType, ListType, TableSchema, RowOf, IsoTimestamp } from './types.ts';
export {
  posts,
  postNlp,
  pipelineRuns,
  dqChecks,
  postMetrics,
  stories,
  storyPosts,
  storyKeys,
  TABLES,
  POST_KINDS,
  ENTITY_TYPES,
  SENTIMENTS,
  RUN_STATUSES,
  DQ_STATUSES,
  DQ_SEVERITIES,
  eventCounts,
  events,
  EVENT_KINDS,
  EVENT_STATUSES,
} from './tables.ts';
export type { PostKind, EntityType, Sentiment, RunStatus, DqStatus, DqSeverity, EventKind, EventStatus } from './tables.ts';
export type { Post, PostNlp, PipelineRun, DqCheck, Story, StoryPost, EventRow } from './rows.ts';
export type { PostMetric } from './rows.ts';
export {
  duckdbType,
  duckdbCreateTable,
  duckdbAddColumn,
  duckdbColumnsLiteral,
  bigQuerySchema,
  columnNames,
  quoteIdent,
  sqlString,
} from './derive.ts';
export type { BigQueryField } from './derive.ts';
export { LAKE, PARQUET, dayOf, rawKey, rawSidecarKey, RAW_PAGE_SUFFIX, RAW_SIDECAR_SUFFIX, postsPartition, nlpPartition } from './lake-layout.ts';
export { metricsPartition } from './lake-layout.ts';
export {
  ROLLUP_TABLES, rollupDaily, rollupTopicsDaily, rollupAuthorsDaily, rollupHashtagsDaily, rollupEntitiesDaily,
  rollupMonthly, rollupAuthorsMonthly, rollupEntitiesMonthly, rollupHashtagSpans, rollupLinksDaily, rollupLinkSpans, rollupPostGains, rollupGainsDaily, rollupTopGainsDaily, TOP_GAINS_PER_DAY, DUCKDB_GAIN_TABLES,
  rollupTopPostsDaily, TOP_POSTS_PER_DAY,
  rollupHourly, rollupTopicsHourly, rollupAuthorsHourly, rollupEntitiesHourly, rollupTopPostsHourly,
} from './rollups.ts';
export { defineSourceSpec, namesOf, coloursOf, nameList } from './sources/index.ts';
export type { AnySourceSpec, CredentialSpec, EntryRefinement, SourceConfigKit, SourceSpec } from './sources/index.ts';
export { pulseState } from './tables.ts';
export { WAREHOUSE_TABLES, duckdbHasPrimaryKey } from './state.ts';
export { issuePath, issueText } from './issues.ts';
export type { IssueLike, IssueTextOptions } from './issues.ts';
