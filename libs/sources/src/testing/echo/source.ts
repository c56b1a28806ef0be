import type { Config } from '@social-pulse/config';
import { compareIds } from '../../cursor.ts';
import type { EntryOf, SourceLike } from '../../definition.ts';
import { fetchedPage } from '../../page.ts';
import type { FetchContext, FetchedPage, Keyed, SourceQuery, Window } from '../../types.ts';
import type { echoSpec } from '@social-pulse/schema/testing';
import { ECHO, normalizeEcho } from './normalize.ts';

export type EchoConfig = EntryOf<typeof echoSpec>;

/** Echo's channels, newest first, paged by `before` (the oldest id of the last page). */
export class EchoSource implements SourceLike {
  readonly name = ECHO;
  constructor(
    readonly config: EchoConfig,
    readonly global: Config,
  ) {}

  get base(): string {
    return (this.config.baseUrl ?? 'https://echo.invalid').replace(/\/+$/, '');
  }

  headers(ctx: FetchContext): Record<string, string> {
    return { authorization: `Bearer ${ctx.env.ECHO_TOKEN?.trim() ?? ''}` };
  }

  queries(): SourceQuery[] {
    return this.config.channels.map((c) => ({ key: c, label: c }));
  }

  compareKeys(a: string, b: string): number {
    return compareIds(a, b);
  }

  normalize = normalizeEcho;

  async *pages(query: SourceQuery, window: Window, ctx: FetchContext): AsyncGenerator<FetchedPage> {
    let below = window.below;
    for (;;) {
      const res = await ctx.http.get(`${this.base}/channels/${encodeURIComponent(query.key)}/items`, {
        headers: this.headers(ctx),
        searchParams: { before: below, after: window.above, limit: this.config.pageSize },
      });
      const page = fetchedPage(ECHO, query, res, ctx, {
        normalize: this.normalize,
        keys: (body) => ((body as { items?: { id?: string; at?: string }[] }).items ?? []).map((i): Keyed => ({ key: i.id!, createdAt: i.at! })),
        hasMore: (body) => (body as { more?: boolean }).more === true,
      });
      yield page;
      if (!page.hasMore) return;
      below = page.keys.at(-1)!.key;
    }
  }
}
