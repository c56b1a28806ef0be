export type {
  RawMeta,
  RawPage,
  Rejection,
  Normalized,
  Keyed,
  SourceQuery,
  Window,
  FetchedPage,
  FetchContext,
  Source,
} from './types.ts';
export { scrapeQuery } from './engine.ts';
export type { QueryOutcome, ScrapeQueryOptions } from './engine.ts';
export { emptyCursor, compareIds } from './cursor.ts';
export type { QueryCursor, Gap } from './cursor.ts';
export { encodeRawPage, decodeRawPage, keptHeaders } from './envelope.ts';
export { createSources, normalizeRawPage } from './registry.ts';
export { SOURCE_DEFINITIONS, definitionOf } from './definitions.ts';
export { loadDefinition, loadDefinitions } from './definition.ts';
export type { SourceDefinition } from './definition.ts';
export { SOURCES, SOURCE_NAMES } from './list.ts';
export type { SourceName, SourceConfig, SourceConfigOf } from './list.ts';
export { defineSource } from './specs/define.ts';
export type { SourceModule, SourceRuntime, SourcesConfig } from './specs/define.ts';
export type { EntryOf } from './specs/entry.ts';
export type { SourceStatus } from './registry.ts';
export { htmlToText, anchors, httpLinks, hashtagsInText, normalizeTags } from './html.ts';
export { nextLink } from './link-header.ts';
export { MastodonSource } from './mastodon/source.ts';
export { HackernewsSource } from './hackernews/source.ts';
export { BlueskySource } from './bluesky/source.ts';
export { XSource } from './x/source.ts';
export { RedditSource } from './reddit/source.ts';
export { StackexchangeSource } from './stackexchange/source.ts';
export { redactUrl } from './page.ts';
export { REFRESH_QUERY, refreshPosts, refreshPage, normalizeRefreshPage, observationsOf } from './refresh.ts';
export type { RefreshTarget, RefreshBatch, Refresher, RefreshOutcome, RefreshOptions, RefreshPage } from './refresh.ts';
export { refresherFor } from './refreshers.ts';
export { normalizerStamp, sidecarOf, SIDECAR_FORMAT } from './sidecar.ts';
export type { PageSidecar } from './sidecar.ts';
