import { chunks } from '../batch.ts';
import type { RawPage } from '../types.ts';
import type { Refresher } from '../refresh.ts';
import type { RedditSource } from './source.ts';

/** Reddit: `GET /api/info?id=t3_…` (100 fullnames a call). */
export function redditRefresher(src: RedditSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets) {
      const links = targets.filter((t) => /^[0-9a-z]+$/.test(t.native_id));
      return chunks(links, SIZE).map((group) => ({
        targets: group,
        call: (c) => src.get(c, '/api/info', { id: group.map((t) => `t3_${t.native_id}`).join(','), raw_json: 1 }),
      }));
    },
  };
}

/**
 * `/api/info` still lists a deleted or removed link, with `removed_by_category` set
 * (`deleted`, `moderator`, …) and its text gone: that is a deletion, not a new state.
 */
export function redditRefreshPage(page: RawPage, gone: Set<string>): RawPage {
  const body = page.body as Record<string, unknown> | unknown[] | undefined;
  const data = (body as { data?: { children?: unknown[] } } | undefined)?.data;
  if (!data || !Array.isArray(data.children)) return page;
  const children = data.children.filter((c) => {
    const d = (c as { data?: { id?: unknown; removed_by_category?: unknown } } | null)?.data;
    if (d && typeof d.id === 'string' && typeof d.removed_by_category === 'string') {
      gone.add(`reddit:${d.id}`);
      return false;
    }
    return true;
  });
  return { ...page, body: { ...(body as object), data: { ...data, children } } };
}
