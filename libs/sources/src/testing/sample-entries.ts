import type { SourceName } from '../list.ts';
import type { SourcesConfig } from '../specs/define.ts';
import { sourceSchemaOf } from '../specs/entry.ts';
import type { AnySourceSpec } from '@social-pulse/schema';

/**
 * The least configuration entry of each source of this build (its own fields only), for the
 * checklist tests here and in libs/config. Typed by `SourceName`: a source missing here does
 * not compile.
 */
export const SAMPLE_ENTRIES: Record<SourceName, Record<string, unknown>> = {
  mastodon: { instances: ['https://mastodon.example'], tags: ['dataengineering'] },
  hackernews: { queries: ['data engineering'] },
  bluesky: { tags: ['dataengineering'] },
  reddit: { subreddits: ['dataengineering'] },
  x: { queries: ['#dataengineering'] },
  stackexchange: { tags: ['data-engineering'] },
};

/**
 * What the registry reads of a configuration, with `entries` validated by the entry schemas of
 * `specs` (libs/config's `resolveConfig` does the same; libs/sources cannot import it, libs/config
 * imports libs/sources).
 */
export function sourcesConfigOf(specs: readonly AnySourceSpec[], entries: readonly Record<string, unknown>[]): SourcesConfig & { sources: { type: string; enabled: boolean }[] } {
  const schema = sourceSchemaOf(specs);
  return { sources: entries.map((e) => schema.parse(e) as { type: string; enabled: boolean }) };
}
