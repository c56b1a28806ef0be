import { compareIds } from '../../cursor.ts';
import type { ConfigOf, SourceLike, SourcesConfig } from '../../specs/define.ts';
import { cursorParam } from '../../paginators.ts';
import type { FetchContext, Keyed, Paging, SourceQuery, Window } from '../../types.ts';
import type { echo } from './index.ts';
import { ECHO, normalizeEcho } from './normalize.ts';

/** A configuration entry of Echo. */
export type EchoConfig = ConfigOf<typeof echo>;

/** Echo's channels, newest first, paged by `before` (the oldest id of the last page). */
export class EchoSource implements SourceLike {
  readonly name = ECHO;
  constructor(
    readonly config: EchoConfig,
    readonly global: SourcesConfig,
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

  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging {
    type Body = { more?: boolean; items?: { id?: string; at?: string }[] };
    return {
      // `before` the oldest id of the last page, while the server says there is more.
      paginator: cursorParam('before', (body) => ((body as Body).more === true ? (body as Body).items?.at(-1)?.id : undefined), window.below),
      send: (paging) =>
        ctx.http.get(`${this.base}/channels/${encodeURIComponent(query.key)}/items`, {
          headers: this.headers(ctx),
          searchParams: { ...paging, after: window.above, limit: this.config.pageSize },
        }),
      keys: (body) => ((body as Body).items ?? []).map((i): Keyed => ({ key: i.id!, createdAt: i.at! })),
    };
  }
}
