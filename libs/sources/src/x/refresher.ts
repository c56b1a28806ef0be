import { chunks, trimSlashes } from '../batch.ts';
import type { Refresher } from '../refresh.ts';
import { FIELDS as X_FIELDS, type XSource } from './source.ts';

/** X: `GET /2/tweets?ids=…` (100), with the search's fields and expansions so that the same normalizer reads it. */
export function xRefresher(src: XSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets, ctx) {
      const base = trimSlashes(src.config.baseUrl ?? 'https://api.x.com');
      const headers = { authorization: `Bearer ${ctx.env.X_BEARER_TOKEN?.trim() ?? ''}` };
      const tweets = targets.filter((t) => /^\d+$/.test(t.native_id));
      return chunks(tweets, SIZE).map((group) => ({
        targets: group,
        call: (c) => c.http.get(`${base}/2/tweets`, { headers, searchParams: { ids: group.map((t) => t.native_id).join(','), ...X_FIELDS } }),
      }));
    },
  };
}
