import type { AnySourceSpec, SourceConfigKit, SourceSpec } from '@social-pulse/schema';
import { z } from 'zod';
import { sinceProblem } from './since.ts';
import { urlCredentialsMessage, urlHasCredentials } from './url-credentials.ts';

/**
 * The schema of a source's configuration entry, built from its spec: `type`, the spec's own
 * fields (made of the building blocks in `kit`), then the settings every entry accepts. It
 * lives in libs/sources' light entry, not in libs/config, so that a source's runtime can type
 * its entry (`EntryOf`) without libs/sources importing libs/config, which imports the source
 * list from here (CONTRIBUTING.md, "Adding a source").
 */

const listOfStrings = z.array(z.string().trim().min(1, 'must not be empty'), {
  error: 'expected a list of strings',
});
const nonEmptyList = listOfStrings.min(1, 'expected at least one entry');
/** An http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
/** An http(s) URL of an API; where its credential goes instead of the URL (`instead`) is named in the error. */
const apiUrl = (instead: string) => httpUrl.refine((u) => !urlHasCredentials(u), { error: urlCredentialsMessage(instead) });
/** A `since` setting: an ISO date or a duration back from now. */
export const since = z.string().superRefine((text, ctx) => {
  const problem = sinceProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the NAME of an environment variable, not its value');

/** Pages one query may fetch in one run unless `maxPages` says otherwise (a server whose paging never ends stops here). */
export const DEFAULT_MAX_PAGES = 200;
/** A `maxPages` setting. */
export const maxPages = z.number().int().positive().max(1_000_000);

/** Settings every source entry accepts; `instead` names the variables that hold the source's credential. */
const common = (instead: string) => ({
  /** A different API root: a proxy, a mirror, or a local replay server in tests. */
  baseUrl: apiUrl(instead).optional(),
  /** Most posts to fetch per query in one run (the rest waits for the next run). */
  limit: z.number().int().positive().optional(),
  /** How far back a first run reaches, before any cursor exists. */
  since: since.optional(),
  /** Most pages per query per run (overrides the top-level `maxPages`); the rest waits for the next run. */
  maxPages: maxPages.optional(),
  /** Set false to keep an entry in the file without running it. */
  enabled: z.boolean().default(true),
});

const hashtag = z
  .string()
  .trim()
  .transform((t) => t.replace(/^#/, '').toLowerCase())
  .pipe(z.string().regex(/^[\p{L}\p{N}_]+$/u, 'expected a hashtag: letters, digits, underscores'));

/** The zod building blocks of the sources' configuration fields (the specs use them). */
const kit: SourceConfigKit = { z, apiUrl, listOfStrings, nonEmptyList, hashtag, envName };

type CommonShape = ReturnType<typeof common>;
/** The schema of one source's configuration entry: `type`, its own fields, then the common settings. */
export type SourceEntrySchema<S> =
  S extends SourceSpec<infer N, infer F> ? z.ZodObject<{ type: z.ZodLiteral<N> } & F & CommonShape, z.core.$strict> : never;

/** A configuration entry of the source of `S` (its spec), as libs/config validates it. */
export type EntryOf<S extends AnySourceSpec> = z.output<SourceEntrySchema<S>>;

/** The schema of a configuration entry of `spec`. */
export function sourceEntrySchema<S extends AnySourceSpec>(spec: S): SourceEntrySchema<S> {
  const entry = z.object({ type: z.literal(spec.name), ...spec.fields(kit), ...common(spec.urlCredentialHint) }).strict();
  const r = spec.refine;
  return (r ? entry.refine((e) => r.check(e), { message: r.message, path: [...r.path] }) : entry) as SourceEntrySchema<S>;
}

/** The union of the configuration entries of `specs`, by `type`. */
export function sourceSchemaOf<const T extends readonly AnySourceSpec[]>(specs: T) {
  const entries = specs.map((s) => sourceEntrySchema(s)) as unknown as { -readonly [K in keyof T]: SourceEntrySchema<T[K]> };
  return z.discriminatedUnion('type', entries as unknown as [SourceEntrySchema<T[number]>, ...SourceEntrySchema<T[number]>[]]);
}
