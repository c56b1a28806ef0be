import type { AnySourceSpec } from './spec.ts';

export type { AnySourceSpec, CredentialSpec, EntryRefinement, SourceConfigKit, SourceSpec } from './spec.ts';
export { defineSourceSpec } from './spec.ts';

/*
 * The specs themselves live in their sources' folders, listed once in libs/sources' `SOURCES`
 * (`@social-pulse/sources/specs`; CONTRIBUTING.md, "Adding a source"). What is here takes a
 * list as a parameter.
 */

/** The names of `specs`, in order. */
export const namesOf = <S extends AnySourceSpec>(specs: readonly S[]): S['name'][] => specs.map((s) => s.name);

/** Each source's dashboard colour, by name. */
export const coloursOf = (specs: readonly Pick<AnySourceSpec, 'name' | 'colour'>[]): Record<string, string> => Object.fromEntries(specs.map((s) => [s.name, s.colour]));

/** The names, joined for a message: `mastodon, hackernews, …`. */
export const nameList = (specs: readonly Pick<AnySourceSpec, 'name'>[]): string => specs.map((s) => s.name).join(', ');
