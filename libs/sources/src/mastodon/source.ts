import { compareIds } from '../cursor.ts';
import { linkHeader } from '../paginators.ts';
import { isoTime } from '../time.ts';
import type { FetchContext, Keyed, Paging, Source, SourceQuery, Window } from '../types.ts';
import { normalizeMastodon } from './normalize.ts';
import type { mastodon } from './index.ts';
import type { ConfigOf } from '../specs/define.ts';

/** A configuration entry of Mastodon. */
type MastodonSourceConfig = ConfigOf<typeof mastodon>;

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

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging {
    const [instance, hashTag] = query.key.split(' #') as [string, string];
    const url = this.timeline(instance, hashTag);
    const token = this.config.tokenEnv ? ctx.env[this.config.tokenEnv] : undefined;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return {
      // The next link carries max_id only; the window's lower bound is kept.
      paginator: linkHeader({ max_id: window.below, since_id: window.above }, { since_id: window.above }),
      send: (paging) => ctx.http.get(url, { headers, searchParams: { ...paging, limit: Math.max(1, Math.min(PAGE_MAX, window.remaining ?? PAGE_MAX)) } }),
      keys: (body) =>
        (Array.isArray(body) ? body : []).flatMap((s: unknown): Keyed[] => {
          const { id, created_at } = (s ?? {}) as { id?: unknown; created_at?: unknown };
          const at = isoTime(typeof created_at === 'string' ? created_at : undefined);
          return typeof id === 'string' && at ? [{ key: id, createdAt: at }] : [];
        }),
    };
  }
}
