import { loadDefinitions, type SourceDefinition } from './definition.ts';
import { SOURCES } from './list.ts';

/**
 * Every source this build can run: `SOURCES` with each runtime loaded. Loaded here, once, by a
 * top-level await, so that the registry (`createSources`), the lake writer's normalizer
 * (`normalizeRawPage`) and the engagement refresh (`refresherFor`, `normalizeRefreshPage`) stay
 * synchronous; each takes another list as a parameter, so that tests can add a source of their
 * own. No module of a source's runtime may import this one (or a module that does): the import
 * of the runtime would wait for this module, which waits for it.
 */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = await loadDefinitions(SOURCES);

/** The definition of the source named `name` in `definitions`, if any. */
export function definitionOf(name: string, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): SourceDefinition | undefined {
  return definitions.find((d) => d.name === name);
}
