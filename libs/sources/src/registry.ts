import { missingVars } from './specs/credentials.ts';
import type { SourcesConfig } from './specs/define.ts';
import type { SourceDefinition } from './definition.ts';
import { definitionOf, SOURCE_DEFINITIONS } from './definitions.ts';
import { normalizeRefreshPage } from './refresh.ts';
import type { Normalized, RawPage, Source } from './types.ts';

export type SourceStatus =
  | { kind: 'ready'; source: Source }
  /** `name`: the entry's `type` (a test's own source, or one this build lacks, included). */
  | { kind: 'skipped'; name: string; reason: string };

/**
 * The configured sources, each ready to run or skipped with the one line that says what
 * to set (a missing credential skips only its own source). Each is made by its definition
 * in `definitions` (default: every source of this build, `SOURCE_DEFINITIONS`).
 */
export function createSources(config: SourcesConfig, env: NodeJS.ProcessEnv = process.env, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): SourceStatus[] {
  return config.sources.map((sc): SourceStatus => {
    if (!sc.enabled) return { kind: 'skipped', name: sc.type, reason: 'disabled in the configuration (enabled: false)' };
    const def = definitionOf(sc.type, definitions);
    if (!def) return { kind: 'skipped', name: sc.type, reason: `this build has no source "${sc.type}"` };
    const missing = missingVars(def.credentials, env);
    if (missing.length) return { kind: 'skipped', name: sc.type, reason: `${missing.join(', ')} not set: ${def.credentials.howTo}` };
    // An entry of `def`'s own type (definitionOf matched it), validated by its entry schema.
    return { kind: 'ready', source: def.create(sc as Parameters<SourceDefinition['create']>[0], config) };
  });
}

/** Normalize a raw-zone page of any source of `definitions` (the lake writer's entry point). */
export function normalizeRawPage(page: RawPage, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): Normalized {
  // A refresh response (engagement refresh, see refresh.ts) names the posts it asked for.
  if (page.meta.refresh) return normalizeRefreshPage(page, definitions);
  const def = definitionOf(page.meta.source, definitions);
  if (!def) return { posts: [], rejected: [], pageError: `no normalizer for source "${page.meta.source}"` };
  return def.normalize(page);
}
