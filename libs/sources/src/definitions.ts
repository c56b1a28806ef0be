import type { SOURCE_SPECS } from '@social-pulse/schema';
import { bluesky } from './bluesky/definition.ts';
import type { SourceDefinition } from './definition.ts';
import { hackernews } from './hackernews/definition.ts';
import { mastodon } from './mastodon/definition.ts';
import { reddit } from './reddit/definition.ts';
import { stackexchange } from './stackexchange/definition.ts';
import { x } from './x/definition.ts';

/** One definition per spec of SOURCE_SPECS, in its order: a spec without its definition (or the reverse) does not build. */
type OnePer<T extends readonly unknown[]> = { readonly [K in keyof T]: T[K] extends { name: infer N extends string } ? SourceDefinition<N> : never };
type OnePerSpec = OnePer<typeof SOURCE_SPECS>;

/**
 * Every source this build can run: one definition per source folder, in the order of
 * libs/schema's `SOURCE_SPECS` (definitions.spec.ts checks that both name the same sources).
 * The registry (`createSources`), the lake writer's normalizer (`normalizeRawPage`), the
 * engagement refresh (`refresherFor`, `normalizeRefreshPage`) derive from it; each takes
 * another list as a parameter, so that tests can add a source of their own.
 */
export const SOURCE_DEFINITIONS: readonly SourceDefinition[] = [mastodon, hackernews, bluesky, reddit, x, stackexchange] as const satisfies OnePerSpec;

/** The definition of the source named `name` in `definitions`, if any. */
export function definitionOf(name: string, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): SourceDefinition | undefined {
  return definitions.find((d) => d.name === name);
}
