import type { Post, PostMetric } from '@social-pulse/schema';
import type { SourceDefinition } from './definition.ts';
import { definitionOf, SOURCE_DEFINITIONS } from './definitions.ts';
import { UNREADABLE } from './page.ts';
import { observationsOf } from './refresh.ts';
import type { Normalized, RawPage, Rejection } from './types.ts';

/**
 * The layout of a sidecar (libs/lake/src/sidecar.ts): raised when what a sidecar holds, or
 * how the lake writer reads it, changes, so that sidecars written before are ignored.
 */
export const SIDECAR_FORMAT = 1;

/**
 * The stamp of the running normalizer of `source` (`mastodon@1+s1`): its definition's
 * normalizerVersion and the sidecar format. Undefined for a source this build cannot normalize.
 */
export function normalizerStamp(source: string, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): string | undefined {
  const def = definitionOf(source, definitions);
  return def ? `${def.name}@${def.normalizerVersion}+s${SIDECAR_FORMAT}` : undefined;
}

/** What the scraper lands beside a page (libs/lake's SidecarInput), from the normalization it already made. */
export interface PageSidecar {
  stamp: string;
  posts: Post[];
  rejected: Rejection[];
  pageError?: string;
  observations: PostMetric[];
}

/**
 * The sidecar of a fetched page, from the normalization the scraper made of it: the same
 * posts, rejections, page error and observations that the lake writer's normalizeRawPage
 * makes of the landed page (the scraper reads pages with the source's definition's
 * normalizer, and a page is landed whole, as it was read). Undefined when the writer would
 * not make the same of it: a source this build has no definition of, or a normalizer that
 * threw (the writer reports the exception in its own words).
 */
export function sidecarOf(page: RawPage, n: Normalized, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): PageSidecar | undefined {
  const stamp = normalizerStamp(page.meta.source, definitions);
  if (!stamp || n.pageError?.startsWith(UNREADABLE)) return undefined;
  return {
    stamp,
    posts: n.posts,
    rejected: n.rejected,
    ...(n.pageError !== undefined ? { pageError: n.pageError } : {}),
    observations: observationsOf(page, n),
  };
}
