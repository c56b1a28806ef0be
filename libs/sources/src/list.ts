import { namesOf } from '@social-pulse/schema';
import type { z } from 'zod';
import { bluesky } from './bluesky/index.ts';
import { hackernews } from './hackernews/index.ts';
import { mastodon } from './mastodon/index.ts';
import { reddit } from './reddit/index.ts';
import type { sourceSchemaOf } from './specs/entry.ts';
import { stackexchange } from './stackexchange/index.ts';
import { x } from './x/index.ts';

/**
 * Every source this build knows, in the order lists show them: one line per source folder
 * (CONTRIBUTING.md, "Adding a source"). Each is the folder's light module (index.ts: the spec,
 * the normalizer version, a loader of its runtime), so this list loads no runtime code: the
 * lists of libs/config (the config union, its error message, the credential table, the
 * refresh budgets), of the Pulumi program and of the dashboard derive from it, and the main
 * entry loads the runtimes (`SOURCE_DEFINITIONS`).
 */
export const SOURCES = [mastodon, hackernews, bluesky, reddit, x, stackexchange] as const;

/** The `source` of a post of this build: one of the sources' names. */
export type SourceName = (typeof SOURCES)[number]['name'];

/** The sources' names, in order. */
export const SOURCE_NAMES: readonly SourceName[] = namesOf(SOURCES);

/** A configuration entry of any source of this build. */
export type SourceConfig = z.output<ReturnType<typeof sourceSchemaOf<typeof SOURCES>>>;
/** The configuration entry of the source named `N`. */
export type SourceConfigOf<N extends SourceConfig['type']> = Extract<SourceConfig, { type: N }>;
