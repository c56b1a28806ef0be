import { definitionOf, SOURCE_DEFINITIONS } from './definitions.ts';
import type { SourceDefinition } from './definition.ts';
import type { Refresher } from './refresh.ts';
import type { Source } from './types.ts';

/**
 * Each source's batch lookup is its definition's `refresher`, in `<source>/refresher.ts`
 * (README, "Engagement refresh", says what each costs):
 *
 * | source | call | posts per call |
 * | --- | --- | --- |
 * | mastodon | `GET /api/v1/statuses?id[]=…` (4.3+), else `GET /api/v1/statuses/:id` | 20 (1) |
 * | hackernews | Algolia `GET /api/v1/search?tags=story,(story_1,story_2,…)` | 100 |
 * | bluesky | `app.bsky.feed.getPosts?uris=…` | 25 |
 * | x | `GET /2/tweets?ids=…` | 100 |
 * | reddit | `GET /api/info?id=t3_…,t3_…` | 100 |
 * | stackexchange | `GET /2.3/questions/{id;id;…}` | 100 |
 */

/** The refresher of a source, or undefined for a source without a batch lookup. */
export function refresherFor(source: Source, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): Refresher | undefined {
  return definitionOf(source.name, definitions)?.refresher?.(source);
}
