/**
 * `@social-pulse/sources/specs`: the light entry of libs/sources. Every source's spec (its
 * folder's index.ts), the one list of them (`SOURCES`), and what builds a configuration entry
 * from a spec. It loads no runtime code (no HTTP client, no normalizer): libs/config, libs/lake,
 * the Pulumi program and the dashboard's server import this, never the main entry.
 */
export { SOURCES, SOURCE_NAMES } from '../list.ts';
export type { SourceName, SourceConfig, SourceConfigOf } from '../list.ts';
export { defineSource } from './define.ts';
export type { SourceLike, SourceModule, SourceParts, SourceRuntime, SourcesConfig } from './define.ts';
export { DEFAULT_MAX_PAGES, httpUrl, maxPages, since, sourceEntrySchema, sourceSchemaOf } from './entry.ts';
export type { EntryOf, SourceEntrySchema } from './entry.ts';
export { credentialsOf, missingVars } from './credentials.ts';
export { parseDate, parseDuration, sinceProblem } from './since.ts';
export { urlCredentialsMessage, urlHasCredentials } from './url-credentials.ts';
