import { bluesky } from './bluesky/definition.ts';
import type { SourceDefinition } from './definition.ts';
import { hackernews } from './hackernews/definition.ts';
import { mastodon } from './mastodon/definition.ts';
import { reddit } from './reddit/definition.ts';
import { stackexchange } from './stackexchange/definition.ts';
import { x } from './x/definition.ts';

/**
 * Every source this build can run: one definition per source folder, in the order of
 * libs/schema's `SOURCE_SPECS` (definitions.spec.ts checks that both name the same sources).
 * The registry (`createSources`), the lake writer's normalizer (`normalizeRawPage`), the
 * engagement refresh (`refresherFor`, `normalizeRefreshPage`) derive from it; each takes
 * another list as a parameter, so that tests can add a source of their own.
 */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = [mastodon, hackernews, bluesky, reddit, x, stackexchange];

/** The definition of the source named `name` in `definitions`, if any. */
export function definitionOf(name: string, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): SourceDefinition | undefined {
  return definitions.find((d) => d.name === name);
}
