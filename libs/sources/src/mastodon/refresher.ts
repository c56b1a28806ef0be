import { chunks, trimSlashes } from '../batch.ts';
import type { RefreshBatch, Refresher, RefreshTarget } from '../refresh.ts';
import type { FetchContext, RawPage } from '../types.ts';
import type { MastodonSource } from './source.ts';

/** A target's `extra` JSON (the instance and local id), or {} when it cannot be read. */
function extraOf(t: RefreshTarget): Record<string, unknown> {
  try {
    const e = JSON.parse(t.extra ?? '{}') as unknown;
    return e && typeof e === 'object' ? (e as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Mastodon: a status is asked for on the instance it was found on, by that instance's local id. */
export function mastodonRefresher(src: MastodonSource): Refresher {
  const STATUSES_MAX = 20; // the API's limit on `id[]`
  return {
    batchSize: STATUSES_MAX,
    batches(targets: RefreshTarget[], ctx: FetchContext): RefreshBatch[] {
      const token = src.config.tokenEnv ? ctx.env[src.config.tokenEnv]?.trim() : undefined;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      // The instance a post came from is recorded as the host its page was fetched from.
      const roots = new Map(src.config.instances.map((i) => [new URL(src.config.baseUrl ?? i).host, trimSlashes(src.config.baseUrl ?? i)]));
      const byRoot = new Map<string, { t: RefreshTarget; id: string }[]>();
      for (const t of targets) {
        const e = extraOf(t);
        const root = typeof e.instance === 'string' ? roots.get(e.instance) : undefined;
        if (!root || typeof e.local_id !== 'string' || !/^\d+$/.test(e.local_id)) continue;
        let list = byRoot.get(root);
        if (!list) byRoot.set(root, (list = []));
        list.push({ t, id: e.local_id });
      }
      const localId = new Map([...byRoot.values()].flat().map((x) => [x.t.post_id, x.id]));
      const batches: RefreshBatch[] = [];
      for (const [root, list] of byRoot) {
        for (const group of chunks(list, STATUSES_MAX)) {
          const query = group.map((x) => `id[]=${encodeURIComponent(x.id)}`).join('&');
          batches.push({
            targets: group.map((x) => x.t),
            group: root,
            call: (c) => c.http.get(`${root}/api/v1/statuses?${query}`, { headers }),
            // Before 4.3 there is no batch lookup: 404 (no route) or 422, one status at a time then.
            fallback: { on: [404, 422], one: (t, c) => c.http.get(`${root}/api/v1/statuses/${encodeURIComponent(localId.get(t.post_id)!)}`, { headers }) },
          });
        }
      }
      return batches;
    },
  };
}

/** `GET /api/v1/statuses/:id` (the fallback) answers one status, not a list: the search page's list of one. */
export function mastodonRefreshPage(page: RawPage): RawPage {
  const body = page.body as Record<string, unknown> | unknown[] | undefined;
  return body && !Array.isArray(body) && typeof (body as { id?: unknown }).id === 'string' ? { ...page, body: [body] } : page;
}
