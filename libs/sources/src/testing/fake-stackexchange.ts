import type { IncomingMessage } from 'node:http';
import type { QuestionJson } from './fixtures-stackexchange.ts';
import { json, startServer, type FaultPlan, type ReplayServer } from './server.ts';

export interface FakeStackexchangeOptions {
  questions: () => QuestionJson[];
  /** The key that raises the quota (sent as a bearer token); others are refused. */
  key?: string;
  /** Adds `backoff: seconds` to the n-th successful response (0-based). */
  backoffAt?: { n: number; seconds: number };
  faults?: FaultPlan;
}

const seError = (id: number, name: string, message: string, status = 400) => json({ error_id: id, error_message: message, error_name: name }, status);

/**
 * Speaks `GET /2.3/questions` as api.stackexchange.com does: `tagged` (`;` = and), `site`,
 * `sort=creation`, `order=desc`, `fromdate`/`todate` (inclusive, seconds), `page`,
 * `pagesize` ≤ 100, `filter=withbody` (bodies only then), the wrapper with `has_more`,
 * `quota_max`/`quota_remaining` and an optional `backoff`, pages past 25 refused without a
 * key, and the error wrapper (`bad_parameter`, `key_invalid`, `throttle_violation`).
 */
export async function startFakeStackexchange(o: FakeStackexchangeOptions): Promise<ReplayServer> {
  let quota = 300;
  let served = 0;
  return startServer((url, req: IncomingMessage) => {
    // `/2.3/questions/{ids}` (up to 100, `;`-separated): those questions that exist, same wrapper.
    const byIds = /^\/2\.3\/questions\/([0-9;]+)$/.exec(url.pathname);
    const ids = byIds ? byIds[1]!.split(';').filter(Boolean).map(Number) : undefined;
    if (ids && ids.length > 100) return seError(400, 'bad_parameter', 'ids');
    if (!ids && url.pathname !== '/2.3/questions') return seError(404, 'no_method', 'no method found with this name', 404);
    const p = url.searchParams;
    const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (auth && auth !== o.key) return seError(407, 'key_invalid', `key is not valid`);
    const quotaMax = auth ? 10000 : 300;
    if (quota <= 0) return seError(502, 'throttle_violation', 'too many requests from this IP, more requests available in 86400 seconds');
    if (!p.get('site')) return seError(400, 'bad_parameter', 'site is required');
    const page = Number(p.get('page') ?? 1);
    const size = Number(p.get('pagesize') ?? 30);
    if (size > 100) return seError(400, 'bad_parameter', 'pagesize');
    if (page > 25 && !auth) return seError(400, 'bad_parameter', 'page above 25 requires access token or app key');
    quota -= 1;
    const tagged = (p.get('tagged') ?? '').split(';').filter(Boolean);
    const from = p.get('fromdate') ? Number(p.get('fromdate')) : undefined;
    const to = p.get('todate') ? Number(p.get('todate')) : undefined;
    const all = o
      .questions()
      .filter((q) => (ids ? ids.includes(q.question_id) : tagged.every((t) => q.tags.includes(t))))
      .filter((q) => (from === undefined || q.creation_date >= from) && (to === undefined || q.creation_date <= to))
      .sort((a, b) => b.creation_date - a.creation_date || b.question_id - a.question_id);
    const withBody = p.get('filter') === 'withbody';
    const items = all.slice((page - 1) * size, page * size).map((q) => {
      if (withBody) return q;
      const { body: _body, ...rest } = q;
      return rest;
    });
    const backoff = o.backoffAt && o.backoffAt.n === served ? { backoff: o.backoffAt.seconds } : {};
    served += 1;
    return json({ items, has_more: page * size < all.length, quota_max: quotaMax, quota_remaining: auth ? 9990 : quota, ...backoff });
  }, o.faults);
}
