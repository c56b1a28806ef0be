export { loadConfig, resolveConfig, pathProblems, ConfigError, formatPath } from './load.ts';
export type { Config, LoadOptions } from './load.ts';
export { configSchema, sourceSchema, DEFAULT_MAX_PAGES } from './schema.ts';
export { DEFAULT_REFRESH_REQUESTS, configSchemaOf, sourceSchemaOf, sourceEntrySchema, refreshRequestsOf } from './schema.ts';
export type {
  SourceConfig,
  SourceConfigOf,
  SourceEntrySchema,
  MastodonSourceConfig,
  HackernewsSourceConfig,
  BlueskySourceConfig,
  RedditSourceConfig,
  XSourceConfig,
  StackexchangeSourceConfig,
} from './schema.ts';
export { nlpSchema } from './nlp.ts';
export type { NlpConfig } from './nlp.ts';
export { parseLakeUri, parseWarehouseUri } from './uris.ts';
export type { LakeLocation, WarehouseLocation } from './uris.ts';
export { everyProblem, parseDuration, resolveSince, TIMER_MAX_MS } from './duration.ts';
export { refreshBudget } from './duration.ts';
export { CREDENTIALS, credentialsOf, missingCredentials, missingVars, secretValues } from './credentials.ts';
export type { CredentialSource, CredentialSpec } from './credentials.ts';
