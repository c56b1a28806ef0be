import type { z } from 'zod';

/**
 * What every layer must know about a source without running it: its name, the fields of its
 * configuration entry, its credentials, its refresh budget and how the dashboard shows it.
 * The interfaces live here, in the lowest lib; each source's spec lives in its folder of
 * libs/sources (`<name>/index.ts`, with the loader of what runs it), and the one list of them
 * is `SOURCES` (`@social-pulse/sources/specs`). CONTRIBUTING.md, "Adding a source".
 *
 * A spec imports zod for types only: the configuration fields are built from the zod
 * building blocks that libs/sources' entry schema hands to `fields` (`SourceConfigKit`).
 */

/**
 * Credentials come from the environment only, never from the configuration file. A source
 * whose required variables are unset is skipped with `howTo` as the one line to act on.
 */
export interface CredentialSpec {
  /** Required variables: the source is skipped when one is unset or empty. */
  readonly vars: readonly string[];
  /** Variables read when set (a key that raises a quota). */
  readonly optional?: readonly string[];
  /** Variables of `vars`/`optional` that are not secret (a user name): the Pulumi program passes them as plain settings, not Secret Manager secrets. */
  readonly plain?: readonly string[];
  /** What to set and where to get it. */
  readonly howTo: string;
}

/** The zod building blocks a source's configuration fields are made of (libs/sources' entry schema, `sourceEntrySchema`, supplies them). */
export interface SourceConfigKit {
  readonly z: typeof z;
  /** An http(s) URL of an API that must not carry a credential; `instead` says where the credential goes. */
  apiUrl(instead: string): z.ZodType<string, string>;
  /** A list of non-empty strings. */
  readonly listOfStrings: z.ZodArray<z.ZodString>;
  /** A list of at least one non-empty string. */
  readonly nonEmptyList: z.ZodArray<z.ZodString>;
  /** A hashtag, without `#`, lower-cased. */
  readonly hashtag: z.ZodType<string, string>;
  /** The NAME of an environment variable. */
  readonly envName: z.ZodType<string, string>;
}

/** A check across the fields of one entry (zod's `refine`), with the message and the path it reports. */
export interface EntryRefinement<T> {
  /** (A method, so that a spec of exact fields is also a spec of any fields, `AnySourceSpec`.) */
  check(entry: T): boolean;
  readonly message: string;
  readonly path: readonly string[];
}

export interface SourceSpec<N extends string = string, F extends z.ZodRawShape = z.ZodRawShape> {
  /** The config `type`, the `source` column and the raw zone's `source=` partition. */
  readonly name: N;
  /** How people write it (the dashboard's labels). */
  readonly label: string;
  /** Its colour in the dashboard's charts (the network's brand colour). */
  readonly colour: string;
  readonly credentials: CredentialSpec;
  /**
   * The source's own configuration fields (besides `type` and the settings every entry
   * accepts: baseUrl, limit, since, maxPages, enabled), in the order errors are reported.
   */
  fields(kit: SourceConfigKit): F;
  /** A check across fields of an entry (Bluesky: a tag or a query). */
  readonly refine?: EntryRefinement<z.output<z.ZodObject<F>>>;
  /**
   * Where a credential goes instead of a URL, named when a configured URL carries one
   * (`set X_BEARER_TOKEN`).
   */
  readonly urlCredentialHint: string;
  /**
   * Requests one engagement refresh may make per run unless `refresh.maxRequests` says
   * otherwise; set exactly when the source has a batch lookup (its definition's `refresher`).
   */
  readonly refreshRequests?: number;
}

/** A spec with its name and fields kept exact, so that the config types derive from it. */
export function defineSourceSpec<const N extends string, F extends z.ZodRawShape>(spec: SourceSpec<N, F>): SourceSpec<N, F> {
  return spec;
}

/** Specs of any name and fields (what the derived tables accept). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySourceSpec = SourceSpec<string, any>;
