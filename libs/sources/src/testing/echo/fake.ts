import { json, startServer, type ReplayServer } from '../server.ts';
import type { EchoItem } from './api.ts';

/**
 * A fake Echo server on 127.0.0.1: `GET /channels/:c/items?before&after&limit` (newest
 * first) and `GET /lookup?ids=…` (`{found, gone}`); every call needs a bearer token.
 */
export function startFakeEcho(items: EchoItem[], opts: { gone?: string[] } = {}): Promise<ReplayServer> {
  const newestFirst = [...items].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  return startServer((url, req) => {
    if (!req.headers.authorization?.startsWith('Bearer ') || req.headers.authorization === 'Bearer ') return json({ error: 'no token' }, 401);
    if (url.pathname === '/lookup') {
      const ids = (url.searchParams.get('ids') ?? '').split(',');
      return json({ found: items.filter((i) => ids.includes(i.id) && !opts.gone?.includes(i.id)), gone: ids.filter((id) => opts.gone?.includes(id)) });
    }
    const before = url.searchParams.get('before');
    const after = url.searchParams.get('after');
    const limit = Number(url.searchParams.get('limit') ?? 2);
    const inWindow = newestFirst.filter((i) => (before === null || BigInt(i.id) < BigInt(before)) && (after === null || BigInt(i.id) > BigInt(after)));
    return json({ items: inWindow.slice(0, limit), more: inWindow.length > limit });
  });
}
