import type { MastodonSourceConfig } from '@social-pulse/config';
import { compareIds } from '../cursor.ts';
import { keptHeaders } from '../envelope.ts';
import { nextLink } from '../link-header.ts';
import { fetchedPage } from '../page.ts';
import { isoTime } from '../time.ts';
import type { FetchContext, FetchedPage, Keyed, Source, SourceQuery, Window } from '../types.ts';
import { normalizeMastodon } from './normalize.ts';

const PAGE_MAX = 40; // the API's own maximum for tag timelines

/** The API root of an instance, its path kept (`https://proxy.example/mastodon` serves `/mastodon/api/v1/…`). */
const apiRoot = (url: string) => url.replace(/\/+$/, '');

/**
 * Mastodon hashtag timelines (`GET /api/v1/timelines/tag/:hashtag`), newest first, paged with
 * the Link header's `max_id`. Each instance is its own query: statuses federate unevenly, and
 * the same status seen on two instances is stored once (its URI is the post id).
 */
export class MastodonSource implements Source<MastodonSourceConfig> {
  readonly name = 'mastodon' as const;
  constructor(readonly config: MastodonSourceConfig) {}

  queries(): SourceQuery[] {
    return this.config.instances.flatMap((inst) => this.config.tags.map((tag) => ({ key: `${apiRoot(inst)} #${tag}`, label: `#${tag}` })));
  }

  compareKeys(a: string, b: string): number {
    return compareIds(a, b);
  }

  normalize = normalizeMastodon;

  private timeline(instance: string, tag: string): string {
    return `${apiRoot(this.config.baseUrl ?? instance)}/api/v1/timelines/tag/${encodeURIComponent(tag)}`;
  }

  async check(ctx: FetchContext): Promise<string> {
    const parts: string[] = [];
    for (const inst of this.config.instances) {
      const url = this.timeline(inst, this.config.tags[0]!);
      const res = await ctx.http.get(url, { searchParams: { limit: 1 } });
      parts.push(`${new URL(url).host} answers (${res.headers['x-ratelimit-remaining'] ?? '?'} requests left in the window)`);
    }
    return parts.join('; ');
  }

  async *pages(query: SourceQuery, window: Window, ctx: FetchContext): AsyncGenerator<FetchedPage> {
    const [instance, hashTag] = query.key.split(' #') as [string, string];
    const url = this.timeline(instance, hashTag);
    const token = this.config.tokenEnv ? ctx.env[this.config.tokenEnv] : undefined;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let params: Record<string, string | number | undefined> = { max_id: window.below, since_id: window.above };
    for (;;) {
      params.limit = Math.max(1, Math.min(PAGE_MAX, window.remaining ?? PAGE_MAX));
      const res = await ctx.http.get(url, { headers, searchParams: params });
      // Only the next link's parameters are used, always against our own URL: a Link header is
      // input like any other, and behind a proxy it names the upstream's host, not ours.
      const next = nextLink(keptHeaders(res.headers).link);
      const nextParams = next ? linkParams(next) : undefined;
      const page = fetchedPage('mastodon', query, res, ctx, {
        normalize: this.normalize,
        keys: (body) =>
          (Array.isArray(body) ? body : []).flatMap((s: unknown): Keyed[] => {
            const { id, created_at } = (s ?? {}) as { id?: unknown; created_at?: unknown };
            const at = isoTime(typeof created_at === 'string' ? created_at : undefined);
            return typeof id === 'string' && at ? [{ key: id, createdAt: at }] : [];
          }),
        hasMore: () => nextParams !== undefined,
        next: () => (nextParams ? new URLSearchParams(nextParams).toString() : undefined),
      });
      yield page;
      if (!page.hasMore || !nextParams) return;
      params = { ...nextParams };
      // The next link carries max_id only; keep the lower bound of the window.
      if (window.above !== undefined) params.since_id = window.above;
    }
  }
}

/** The query parameters of a next link (`max_id`, …), or undefined when it is not a URL. */
function linkParams(link: string): Record<string, string> | undefined {
  try {
    return Object.fromEntries(new URL(link, 'http://relative.invalid').searchParams);
  } catch {
    return undefined;
  }
}
