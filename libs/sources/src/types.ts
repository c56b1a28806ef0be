import type { HttpClient, HttpResponse, Logger } from '@social-pulse/runtime';
import type { Post } from '@social-pulse/schema';
import type { SourceConfig, SourceName } from './list.ts';
import type { SourcesConfig } from './specs/define.ts';
import type { Paginator, Params } from './paginators.ts';

/** What the raw zone records of each fetched page, beside the body itself. */
export interface RawMeta {
  source: SourceName;
  /** The configured query this page answers (goes into `posts.queries`). */
  query: string;
  /** The state key of the query (e.g. instance + tag). */
  queryKey: string;
  url: string;
  status: number;
  fetched_at: string;
  run_id: string;
  /** Response headers that matter for paging and limits (link, rate limits). */
  headers: Record<string, string>;
  /** Refresh pages only: the post_ids this request asked for (see refresh.ts). */
  refresh?: string[];
}

/** A page as landed in the raw zone: the body verbatim, parsed when it is JSON. */
export interface RawPage {
  meta: RawMeta;
  /** The parsed body, or undefined when the body is not valid JSON (then `bodyText` holds it). */
  body: unknown;
  bodyText?: string;
}

/** An item of a page that could not be turned into a post, and why. */
export interface Rejection {
  /** The native id when it could be read, else the index on the page. */
  item: string;
  reason: string;
}

export interface Normalized {
  posts: Post[];
  rejected: Rejection[];
  /** Set when the page as a whole is unusable (not JSON, wrong shape). */
  pageError?: string;
  /**
   * Problems the API reported beside usable data (X's partial `errors[]`, a low quota):
   * reported with the run, without rejecting anything.
   */
  warnings?: string[];
  /** Refresh pages only: post_ids asked for that the source says are deleted or gone. */
  deleted?: string[];
}

/** One item's paging key (newest-first order) and publication time. */
export interface Keyed {
  key: string;
  createdAt: string;
}

/** A query of a source: what to fetch, and the key under which its cursor is saved. */
export interface SourceQuery {
  key: string;
  label: string;
}

/**
 * Exclusive bounds on paging keys: fetch items with `above < key < below`, newest first.
 * `below` undefined means "from the newest"; `above` undefined means "down to `since`".
 */
export interface Window {
  below?: string;
  above?: string;
  /** Items the run may still take (sizes the last request). */
  remaining?: number;
  /** Nothing older than this is wanted. */
  since?: Date;
}

export interface FetchedPage {
  raw: RawPage;
  /** The raw-zone document of the page (envelope with the body verbatim). */
  rawText: string;
  normalized: Normalized;
  /** Keys of the page's items, newest first. */
  keys: Keyed[];
  /** False when the source says there is no older page in this window. */
  hasMore: boolean;
  /**
   * What the source will send for the next page (a cursor, token or link), when the server
   * chose it: the engine stops a window whose server sends one it has sent before.
   */
  next?: string;
}

export interface FetchContext {
  http: HttpClient;
  runId: string;
  now: () => Date;
  log: Logger;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/**
 * How one window of one query is fetched, newest first: the request, its paginator, and the
 * paging keys of a page. The engine's loop (engine.ts) sends it page after page.
 */
export interface Paging {
  paginator: Paginator;
  /** Sends the request for a page with the paginator's parameters (the source adds its own: query, page size from the window's `remaining`). */
  send(params: Params): Promise<HttpResponse>;
  /** Paging keys of a page's items, newest first; an item without a usable key is left out (its normalizer says why). */
  keys(body: unknown): Keyed[];
}

/**
 * A source: how to list its queries, fetch one window of one query (its request and
 * paginator), normalize a raw page, and order its keys. The engine (not the source) pages,
 * decides windows, stops early, enforces limits and saves cursors.
 */
export interface Source<C extends SourceConfig = SourceConfig> {
  readonly name: SourceName;
  readonly config: C;
  queries(): SourceQuery[];
  /** How to fetch a window of a query; undefined when the window is out of the API's reach (nothing to fetch). */
  paging(query: SourceQuery, window: Window, ctx: FetchContext): Paging | undefined;
  normalize(page: RawPage): Normalized;
  /** Negative when `a` is older than `b`. */
  compareKeys(a: string, b: string): number;
  /** Verifies the credential with one cheap call (for `pulse doctor`). */
  check?(ctx: FetchContext): Promise<string>;
}

export type SourceFactory = (config: SourceConfig, global: SourcesConfig) => Source;
