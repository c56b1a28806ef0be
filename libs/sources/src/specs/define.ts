import type { AnySourceSpec } from '@social-pulse/schema';
import type { Refresher } from '../refresh.ts';
import type { Normalized, RawPage, Source } from '../types.ts';
import type { EntryOf } from './entry.ts';

/** A source whose configuration may be of a spec outside this build's list (a test's own source). */
export type SourceLike = Omit<Source, 'config'> & { readonly config: object };

/**
 * What the sources read of the whole configuration: the entries (the registry). libs/config's
 * `Config` has this shape, so the apps pass theirs and the type checker checks the match.
 */
export interface SourcesConfig {
  readonly sources: readonly { readonly type: string; readonly enabled: boolean }[];
}

/**
 * What runs a source: `<source>/runtime.ts` exports it as `default`. It is loaded only
 * through the `runtime` of the source's light module, so that libs/config, the Pulumi
 * program and the dashboard read the spec without loading an HTTP client or a normalizer.
 */
export interface SourceRuntime<S extends AnySourceSpec, Src extends SourceLike = SourceLike> {
  /** The source of one configuration entry (a missing credential was already reported). */
  create(entry: EntryOf<S>, global: SourcesConfig): Src;
  /** A raw-zone page of the source as posts (the lake writer's entry point, through `normalizeRawPage`). */
  normalize(page: RawPage): Normalized;
  /** The source's batch lookup for engagement refresh, when it has one (then its spec sets `refreshRequests`). */
  refresher?(source: Src): Refresher;
  /**
   * A refresh response reshaped into the search page that `normalize` reads, where the lookup
   * answers differently; `gone` collects the post_ids the body itself says are deleted.
   */
  refreshPage?(page: RawPage, gone: Set<string>): RawPage;
}

/** What a source's light module adds to its spec. */
export interface SourceParts<S extends AnySourceSpec> {
  /**
   * The version of what `normalize` (and `refreshPage`) make of a page: raise it with every
   * change to the source's normalized output, its own or a shared helper's (html.ts, guard.ts,
   * basePost). Sidecars stamped with another version are ignored by the lake writer, which then
   * normalizes the page again. normalizer-version.spec.ts fails when the output of the fixture
   * pages changes and this does not (CONTRIBUTING.md, "A source's paging and normalizer").
   */
  readonly normalizerVersion: number;
  /** Loads what runs the source: `() => import('./runtime.ts')`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  runtime(): Promise<{ default: SourceRuntime<S, any> }>;
}

/**
 * One source as every layer knows it: its spec (name, label, colour, credentials,
 * configuration fields, refresh budget), its normalizer version, and how to load what runs
 * it. Written in `<source>/index.ts` with `defineSource` and listed once, in `SOURCES`
 * (CONTRIBUTING.md, "Adding a source").
 */
export type SourceModule<S extends AnySourceSpec = AnySourceSpec> = S & SourceParts<S>;

/** The spec of a source's light module (`SpecOf<typeof mastodon>`): what its runtime and source are typed by. */
export type SpecOf<M> = M extends SourceParts<infer S> ? S : never;

/** A configuration entry of a source's light module (`ConfigOf<typeof mastodon>`). */
export type ConfigOf<M> = EntryOf<SpecOf<M>>;

/** A source's light module: its spec plus its normalizer version and runtime loader. */
export function defineSource<S extends AnySourceSpec>(spec: S, parts: SourceParts<S>): SourceModule<S> {
  return { ...spec, ...parts };
}
