import { blueskySpec } from './bluesky.ts';
import { hackernewsSpec } from './hackernews.ts';
import { mastodonSpec } from './mastodon.ts';
import { redditSpec } from './reddit.ts';
import type { AnySourceSpec } from './spec.ts';
import { stackexchangeSpec } from './stackexchange.ts';
import { xSpec } from './x.ts';

export type { AnySourceSpec, CredentialSpec, EntryRefinement, SourceConfigKit, SourceSpec } from './spec.ts';
export { defineSourceSpec } from './spec.ts';
export { mastodonSpec, hackernewsSpec, blueskySpec, redditSpec, xSpec, stackexchangeSpec };

/**
 * Every source this build knows, in the order lists show them. The source lists of
 * libs/config (the config union, its error message, the credential table, the refresh
 * budgets), of the Pulumi program and of the dashboard derive from it; libs/sources'
 * `SOURCE_DEFINITIONS` extends each with what runs it (CONTRIBUTING.md, "Adding a source").
 */
export const SOURCE_SPECS = [mastodonSpec, hackernewsSpec, blueskySpec, redditSpec, xSpec, stackexchangeSpec] as const;

/** The `source` of a post: one of the specs' names. */
export type SourceName = (typeof SOURCE_SPECS)[number]['name'];

/** The names of `specs`, in order. */
export const namesOf = <S extends AnySourceSpec>(specs: readonly S[]): S['name'][] => specs.map((s) => s.name);

/** Each source's dashboard colour, by name. */
export const coloursOf = (specs: readonly AnySourceSpec[]): Record<string, string> => Object.fromEntries(specs.map((s) => [s.name, s.colour]));

/** The names, joined for a message: `mastodon, hackernews, …`. */
export const nameList = (specs: readonly AnySourceSpec[]): string => specs.map((s) => s.name).join(', ');
