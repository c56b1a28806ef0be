import { chunks } from '../batch.ts';
import type { Refresher } from '../refresh.ts';
import type { BlueskySource } from './source.ts';

/** Bluesky: `app.bsky.feed.getPosts`, 25 AT-URIs a call (`uris` repeated). */
export function blueskyRefresher(src: BlueskySource): Refresher {
  const SIZE = 25;
  return {
    batchSize: SIZE,
    batches(targets) {
      const posts = targets.filter((t) => t.native_id.startsWith('at://'));
      return chunks(posts, SIZE).map((group) => ({
        targets: group,
        // The repeated parameter is written into the method's URL: searchParams hold one value per name.
        call: (c) => src.xrpc(c, `app.bsky.feed.getPosts?${group.map((t) => `uris=${encodeURIComponent(t.native_id)}`).join('&')}`, {}),
      }));
    },
  };
}
