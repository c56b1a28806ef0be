import { HttpClient, silentLogger } from '@social-pulse/runtime';
import type { QueryCursor } from '../cursor.ts';
import { scrapeQuery } from '../engine.ts';
import type { FetchContext, FetchedPage, Source } from '../types.ts';

export const testContext = (env: NodeJS.ProcessEnv = {}, now = () => new Date()): FetchContext => ({
  http: new HttpClient({ userAgent: 'social-pulse/test', backoffBaseMs: 5, retries: 3, timeoutMs: 5000, maxRetryAfterMs: 5000 }),
  runId: 'r',
  now,
  log: silentLogger,
  env,
});

/** Runs one query of a source through the real engine, collecting what it landed and saved. */
export async function scrapeForTest(
  source: Source,
  cursor: QueryCursor,
  opts: { limit?: number; since?: Date; env?: NodeJS.ProcessEnv; ctx?: FetchContext; query?: number } = {},
) {
  const landed: FetchedPage[] = [];
  const ctx = opts.ctx ?? testContext(opts.env);
  const outcome = await scrapeQuery(source, source.queries()[opts.query ?? 0]!, cursor, ctx, {
    since: opts.since ?? new Date('2026-01-01T00:00:00Z'),
    ...(opts.limit ? { limit: opts.limit } : {}),
    land: async (p) => void landed.push(p),
    save: async () => undefined,
  });
  const posts = landed.flatMap((p) => p.normalized.posts);
  return { outcome, landed, posts, ids: posts.map((p) => p.native_id), http: ctx.http };
}
