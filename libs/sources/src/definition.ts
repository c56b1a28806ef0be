import type { Config, SourceConfig, SourceEntrySchema } from '@social-pulse/config';
import type { AnySourceSpec, SourceSpec } from '@social-pulse/schema';
import type { z } from 'zod';
import type { Refresher } from './refresh.ts';
import type { Normalized, RawPage, Source } from './types.ts';

/** A configuration entry of the source of `S` (its spec), as libs/config validates it. */
export type EntryOf<S extends AnySourceSpec> = z.output<SourceEntrySchema<S>>;

/** A source whose configuration may be of a spec outside this build's union (a test's own source). */
export type SourceLike = Omit<Source, 'config'> & { readonly config: object };

/** What runs a source, beside its spec: written in `<source>/definition.ts` with `defineSource`. */
export interface SourceRuntime<S extends AnySourceSpec, Src extends SourceLike> {
  /** The source of one configuration entry (a missing credential was already reported). */
  create(entry: EntryOf<S>, global: Config): Src;
  /** A raw-zone page of the source as posts (the lake writer's entry point, through `normalizeRawPage`). */
  normalize(page: RawPage): Normalized;
  /**
   * The version of what `normalize` (and `refreshPage`) make of a page: raise it with every
   * change to the source's normalized output, its own or a shared helper's (html.ts, guard.ts,
   * basePost). Sidecars stamped with another version are ignored by the lake writer, which then
   * normalizes the page again. normalizer-version.spec.ts fails when the output of the fixture
   * pages changes and this does not (CONTRIBUTING.md, "A source's paging and normalizer").
   */
  normalizerVersion: number;
  /** The source's batch lookup for engagement refresh, when it has one (then its spec sets `refreshRequests`). */
  refresher?(source: Src): Refresher;
  /**
   * A refresh response reshaped into the search page that `normalize` reads, where the lookup
   * answers differently; `gone` collects the post_ids the body itself says are deleted.
   */
  refreshPage?(page: RawPage, gone: Set<string>): RawPage;
}

/**
 * One source, whole: its spec (libs/schema: name, label, colour, credentials, configuration
 * fields, refresh budget) and what runs it (factory, normalizer, batch lookup). The registry,
 * the lake writer's normalizer, the engagement refresh and the checklist test read the
 * `SOURCE_DEFINITIONS` list of these; CONTRIBUTING.md, "Adding a source".
 */
export interface SourceDefinition<N extends string = string> extends SourceSpec<N, z.ZodRawShape> {
  create(entry: SourceConfig, global: Config): Source;
  normalize(page: RawPage): Normalized;
  normalizerVersion: number;
  refresher?(source: Source): Refresher;
  refreshPage?(page: RawPage, gone: Set<string>): RawPage;
}

/** A source's definition from its spec and what runs it. */
export function defineSource<S extends AnySourceSpec, Src extends SourceLike>(spec: S, runtime: SourceRuntime<S, Src>): SourceDefinition<S['name']> {
  // The registry hands `create` only entries of this spec's `type`, and `refresher` only sources `create` made.
  return { ...spec, ...runtime } as unknown as SourceDefinition<S['name']>;
}
