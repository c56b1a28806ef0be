import { compareIds } from '../cursor.ts';
import { json, startServer, type FaultPlan, type ReplayServer } from './server.ts';

/** A status as Mastodon's REST API serializes it (only what the tests need is required). */
export type StatusJson = Record<string, unknown> & { id: string; tags?: ({ name: string } & Record<string, unknown>)[] };

/**
 * Speaks `GET /api/v1/timelines/tag/:hashtag` like a Mastodon server: newest first,
 * `limit` (≤ 40), `max_id`, `since_id`, `min_id`, and a Link header with `rel="next"`
 * (max_id) and `rel="prev"` (min_id) as Mastodon sends it.
 */
export async function startFakeMastodon(statuses: () => StatusJson[], faults?: FaultPlan, opts: { noBatchLookup?: boolean } = {}): Promise<ReplayServer> {
  const server: ReplayServer = await startServer((url) => {
    // Mastodon 4.3+: `GET /api/v1/statuses?id[]=…` (up to 20) answers the statuses that exist;
    // `GET /api/v1/statuses/:id` one status, or 404 `Record not found` for a deleted one.
    if (url.pathname === '/api/v1/statuses' && !opts.noBatchLookup) {
      const ids = url.searchParams.getAll('id[]');
      if (ids.length > 20) return json({ error: 'Validation failed' }, 422);
      const byId = new Map(statuses().map((s) => [s.id, s]));
      return json(ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])));
    }
    const one = /^\/api\/v1\/statuses\/(\d+)$/.exec(url.pathname);
    if (one) {
      const s = statuses().find((x) => x.id === one[1]);
      return s ? json(s) : json({ error: 'Record not found' }, 404);
    }
    const m = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (!m) return json({ error: 'Record not found' }, 404);
    const tag = decodeURIComponent(m[1]!).toLowerCase();
    const p = url.searchParams;
    const limit = Math.min(Number(p.get('limit') ?? 20), 40);
    const maxId = p.get('max_id');
    const sinceId = p.get('since_id') ?? p.get('min_id');
    const all = statuses()
      .filter((s) => (s.tags ?? []).some((t) => t.name.toLowerCase() === tag))
      .sort((a, b) => compareIds(b.id, a.id))
      .filter((s) => (!maxId || compareIds(s.id, maxId) < 0) && (!sinceId || compareIds(s.id, sinceId) > 0));
    const page = all.slice(0, limit);
    const headers: Record<string, string> = {};
    if (page.length) {
      const base = `${server.url}/api/v1/timelines/tag/${m[1]}`;
      headers.link = `<${base}?max_id=${page.at(-1)!.id}>; rel="next", <${base}?min_id=${page[0]!.id}>; rel="prev"`;
    }
    headers['x-ratelimit-limit'] = '300';
    headers['x-ratelimit-remaining'] = '299';
    headers['x-ratelimit-reset'] = new Date(Date.now() + 300_000).toISOString();
    return json(page, 200, headers);
  }, faults);
  return server;
}
