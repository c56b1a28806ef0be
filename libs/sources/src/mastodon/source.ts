import type { MastodonSourceConfig } from '@social-pulse/config';
import { encodeRawPage, keptHeaders } from '../envelope.ts';
import { compareIds } from '../cursor.ts';
import { nextLink } from '../link-header.ts';
import type { FetchContext, FetchedPage, Keyed, RawMeta, Source, SourceQuery, Window } from '../types.ts';
import { normalizeMastodon } from './normalize.ts';

const PAGE_MAX = 40; // the API's own maximum for tag timelines

/**
 * Mastodon hashtag timelines (`GET /api/v1/timelines/tag/:hashtag`), newest first, paged with
 * the Link header's `max_id`. Each instance is its own query: statuses federate unevenly, and
 * the same status seen on two instances is stored once (its URI is the post id).
 */
export class MastodonSource implements Source<MastodonSourceConfig> {
  readonly name = 'mastodon' as const;
  constructor(readonly config: MastodonSourceConfig) {}

  queries(): SourceQuery[] {
    return this.config.instances.flatMap((inst) =>
      this.config.tags.map((tag) => ({ key: `${inst.replace(/\/+$/, '')} #${tag}`, label: `#${tag}` })),
    );
  }

  compareKeys(a: string, b: string): number {
    return compareIds(a, b);
  }

  normalize = normalizeMastodon;

  async check(ctx: FetchContext): Promise<string> {
    const parts: string[] = [];
    for (const inst of this.config.instances) {
      const origin = new URL(this.config.baseUrl ?? inst).origin;
      const res = await ctx.http.get(`${origin}/api/v1/timelines/tag/${encodeURIComponent(this.config.tags[0]!)}`, { searchParams: { limit: 1 } });
      parts.push(`${new URL(origin).host} answers (${res.headers['x-ratelimit-remaining'] ?? '?'} requests left in the window)`);
    }
    return parts.join('; ');
  }

  async *pages(query: SourceQuery, window: Window, ctx: FetchContext): AsyncGenerator<FetchedPage> {
    const [instance, hashTag] = query.key.split(' #') as [string, string];
    const origin = new URL(this.config.baseUrl ?? instance).origin;
    const token = this.config.tokenEnv ? ctx.env[this.config.tokenEnv] : undefined;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let url = `${origin}/api/v1/timelines/tag/${encodeURIComponent(hashTag)}`;
    let params: Record<string, string | number | undefined> = { max_id: window.below, since_id: window.above };
    for (;;) {
      params.limit = Math.max(1, Math.min(PAGE_MAX, window.remaining ?? PAGE_MAX));
      const res = await ctx.http.get(url, { headers, searchParams: params });
      const meta: RawMeta = {
        source: 'mastodon',
        query: query.label,
        queryKey: query.key,
        url: res.url,
        status: res.status,
        fetched_at: ctx.now().toISOString(),
        run_id: ctx.runId,
        headers: keptHeaders(res.headers),
      };
      const { page, text: rawText } = encodeRawPage(meta, res.body);
      const normalized = this.normalize(page);
      const keys: Keyed[] = Array.isArray(page.body)
        ? page.body.flatMap((s: { id?: unknown; created_at?: unknown }) =>
            typeof s?.id === 'string' && typeof s.created_at === 'string'
              ? [{ key: s.id, createdAt: new Date(s.created_at).toISOString() }]
              : [],
          )
        : [];
      const next = nextLink(meta.headers.link);
      // Follow only links to the same instance: a Link header is input like any other.
      const nextUrl = next && new URL(next, origin).origin === origin ? new URL(next, origin) : undefined;
      const hasMore = Boolean(nextUrl) && keys.length > 0;
      yield { raw: page, rawText, normalized, keys, hasMore };
      if (!hasMore || !nextUrl) return;
      url = `${nextUrl.origin}${nextUrl.pathname}`;
      params = Object.fromEntries(nextUrl.searchParams);
      // The next link carries max_id only; keep the lower bound of the window.
      if (window.above !== undefined) params.since_id = window.above;
    }
  }
}
