import { chunks } from '../../batch.ts';
import type { Refresher } from '../../refresh.ts';
import type { RawPage } from '../../types.ts';
import type { EchoSource } from './source.ts';

/** Echo's batch lookup: `GET /lookup?ids=…`, 2 a call. */
export function echoRefresher(src: EchoSource): Refresher {
  const SIZE = 2;
  return {
    batchSize: SIZE,
    batches(targets, ctx) {
      return chunks(targets, SIZE).map((group) => ({
        targets: group,
        call: (c) => c.http.get(`${src.base}/lookup`, { headers: src.headers(ctx), searchParams: { ids: group.map((t) => t.native_id).join(',') } }),
      }));
    },
  };
}

/** The lookup answers `{found: [...], gone: [ids]}`: the channel page's `{items}`, the gone ids collected. */
export function echoRefreshPage(page: RawPage, gone: Set<string>): RawPage {
  const body = page.body as { found?: unknown[]; gone?: string[] } | undefined;
  if (!body || !Array.isArray(body.found)) return page;
  for (const id of body.gone ?? []) gone.add(`echo:${id}`);
  return { ...page, body: { items: body.found } };
}
