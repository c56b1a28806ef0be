import type { z } from 'zod';
import type { SourceModule, SourcesConfig } from './specs/define.ts';
import type { SourceSpec } from '@social-pulse/schema';
import type { SourceConfig } from './list.ts';
import type { Refresher } from './refresh.ts';
import type { Normalized, RawPage, Source } from './types.ts';

/**
 * One source, whole and loaded: its light module (spec, normalizer version) with what runs it
 * (factory, normalizer, batch lookup). The registry, the lake writer's normalizer, the
 * engagement refresh and the checklist test read the `SOURCE_DEFINITIONS` list of these;
 * CONTRIBUTING.md, "Adding a source".
 */
export interface SourceDefinition<N extends string = string> extends SourceSpec<N, z.ZodRawShape> {
  create(entry: SourceConfig, global: SourcesConfig): Source;
  normalize(page: RawPage): Normalized;
  normalizerVersion: number;
  refresher?(source: Source): Refresher;
  refreshPage?(page: RawPage, gone: Set<string>): RawPage;
}

/** A source's light module with its runtime loaded. */
export async function loadDefinition<S extends SourceModule>(source: S): Promise<SourceDefinition<S['name']>> {
  const { default: runtime } = await source.runtime();
  // The registry hands `create` only entries of this source's `type`, and `refresher` only sources `create` made.
  return { ...source, ...runtime } as unknown as SourceDefinition<S['name']>;
}

/** The definitions of `sources`, in order (their runtimes loaded at once). */
export async function loadDefinitions(sources: readonly SourceModule[]): Promise<SourceDefinition[]> {
  return Promise.all(sources.map((s) => loadDefinition(s)));
}
