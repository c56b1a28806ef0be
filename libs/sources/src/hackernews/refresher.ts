import { chunks, trimSlashes } from '../batch.ts';
import type { Refresher } from '../refresh.ts';
import type { HackernewsSource } from './source.ts';

/** Hacker News: stories (Ask HN too) by their `story_<id>` tags; comments carry no points in Algolia, so they are not asked for. */
export function hackernewsRefresher(src: HackernewsSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets) {
      const base = trimSlashes(src.config.baseUrl ?? 'https://hn.algolia.com');
      const stories = targets.filter((t) => t.kind !== 'reply' && /^\d+$/.test(t.native_id));
      return chunks(stories, SIZE).map((group) => ({
        targets: group,
        call: (c) =>
          c.http.get(`${base}/api/v1/search`, {
            searchParams: { tags: `story,(${group.map((t) => `story_${t.native_id}`).join(',')})`, hitsPerPage: group.length },
          }),
      }));
    },
  };
}
