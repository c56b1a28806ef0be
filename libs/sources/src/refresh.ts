import { describeError, HttpError, redactUrl, type HttpResponse } from '@social-pulse/runtime';
import type { Post, PostMetric } from '@social-pulse/schema';
import type { SourceName } from './list.ts';
import type { SourceDefinition } from './definition.ts';
import { definitionOf, SOURCE_DEFINITIONS } from './definitions.ts';
import { encodeRawPage, keptHeaders } from './envelope.ts';
import { UNREADABLE } from './page.ts';
import type { FetchContext, Normalized, RawMeta, RawPage } from './types.ts';

/**
 * Engagement refresh (issue 15): each run asks every source again, through its batch lookup,
 * for the current counts of its recent posts. Each response lands in raw/ like a search page,
 * with `meta.refresh` naming the post_ids asked for; the lake writer normalizes it with the
 * source's own normalizer (the batch lookups answer with the same objects as the searches),
 * so the posts table takes the newest counts, and every post of every page, searched or
 * refreshed, becomes one observation (a row of post_metrics). A post asked for and not
 * returned is observed as deleted.
 */

/** The query label and key of refresh pages in the raw zone. */
export const REFRESH_QUERY = 'refresh';

/** A post to refresh: what the lake knows of it (the newest state). */
export interface RefreshTarget {
  post_id: string;
  native_id: string;
  kind: string;
  created_at: string;
  /** The post's `extra` JSON (Mastodon's instance and local id). */
  extra: string | null;
}

/** One request of a refresh: the posts it asks for, and how to ask. */
export interface RefreshBatch {
  targets: RefreshTarget[];
  call(ctx: FetchContext): Promise<HttpResponse>;
  /**
   * Batches of one group (a Mastodon instance) share a fallback (used only with a group): once the batch call is
   * refused with one of `on`, the group's posts are asked for one at a time with `one`.
   */
  group?: string;
  fallback?: { on: number[]; one(target: RefreshTarget, ctx: FetchContext): Promise<HttpResponse> };
}

/** A source's side of the refresh: its posts in request-sized batches, newest first. */
export interface Refresher {
  /** Posts per request of the batch lookup. */
  readonly batchSize: number;
  batches(targets: RefreshTarget[], ctx: FetchContext): RefreshBatch[];
}

/** A refresh page ready to land: its raw-zone text and what it says. */
export interface RefreshPage {
  raw: RawPage;
  rawText: string;
  normalized: Normalized;
}

export interface RefreshOutcome {
  /** Requests made (the budget counts these). */
  requests: number;
  pages: number;
  /** Posts asked for. */
  asked: number;
  /** Posts the source returned (their counts observed). */
  observed: number;
  /** Posts found deleted or gone. */
  deleted: number;
  /** Targets left for lack of budget (newest first, so these are the oldest). */
  skipped: number;
  problems: string[];
}

export interface RefreshOptions {
  /** Most requests this refresh may make. */
  maxRequests: number;
  land(page: RefreshPage): Promise<void>;
  /** The sources whose normalizers read the pages (default: this build's; tests add their own). */
  definitions?: readonly SourceDefinition[];
}

/** Statuses that say the post asked for is gone (deleted, removed, never was). */
const GONE = [404, 410];

/** The raw-zone page of a refresh response (or of a "gone" error response). */
export function refreshPage(
  source: SourceName,
  res: HttpResponse,
  targets: readonly RefreshTarget[],
  ctx: FetchContext,
  definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS,
): RefreshPage {
  const meta: RawMeta = {
    source,
    query: REFRESH_QUERY,
    queryKey: REFRESH_QUERY,
    url: redactUrl(res.url),
    status: res.status,
    fetched_at: ctx.now().toISOString(),
    run_id: ctx.runId,
    headers: keptHeaders(res.headers),
    refresh: targets.map((t) => t.post_id),
  };
  const { page, text } = encodeRawPage(meta, res.body);
  let normalized: Normalized;
  try {
    normalized = normalizeRefreshPage(page, definitions);
  } catch (e) {
    normalized = { posts: [], rejected: [], pageError: `${UNREADABLE}${describeError(e)}` };
  }
  return { raw: page, rawText: text, normalized };
}

/** The response an HTTP error carried (status, URL, body), so that a "gone" answer lands like any page. */
function errorResponse(e: HttpError): HttpResponse {
  const response = (e.cause as { response?: { body?: unknown; url?: string; headers?: HttpResponse['headers'] } } | undefined)?.response;
  const body = typeof response?.body === 'string' ? response.body : JSON.stringify({ error: e.message });
  return { url: response?.url ?? e.url, status: e.status ?? 0, headers: response?.headers ?? {}, body };
}

/**
 * Refreshes the given posts (newest first) through the source's batch lookup, within
 * `maxRequests` requests, landing every response. A failure stops this source's refresh
 * (what landed stays) and is reported; it never throws, except when the run is aborted.
 */
export async function refreshPosts(
  source: SourceName,
  refresher: Refresher,
  targets: readonly RefreshTarget[],
  ctx: FetchContext,
  opts: RefreshOptions,
): Promise<RefreshOutcome> {
  const out: RefreshOutcome = { requests: 0, pages: 0, asked: 0, observed: 0, deleted: 0, skipped: 0, problems: [] };
  const sorted = [...targets].sort((a, b) => (a.created_at > b.created_at ? -1 : a.created_at < b.created_at ? 1 : 0));
  const batches = refresher.batches(sorted, ctx);
  const oneByOne = new Set<string>();
  const land = async (page: RefreshPage) => {
    await opts.land(page);
    out.pages += 1;
    out.observed += page.normalized.posts.filter((p) => page.raw.meta.refresh?.includes(p.post_id)).length;
    out.deleted += page.normalized.deleted?.length ?? 0;
    if (page.normalized.pageError) out.problems.push(`refresh: malformed page ${page.raw.meta.url}: ${page.normalized.pageError}`);
  };
  /** Asks for one post alone (the fallback); false when the refresh must stop. */
  const askOne = async (b: RefreshBatch, t: RefreshTarget): Promise<boolean> => {
    if (out.requests >= opts.maxRequests) return false;
    out.requests += 1;
    out.asked += 1;
    try {
      await land(refreshPage(source, await b.fallback!.one(t, ctx), [t], ctx, opts.definitions));
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      if (e instanceof HttpError && e.status !== undefined && GONE.includes(e.status)) await land(refreshPage(source, errorResponse(e), [t], ctx, opts.definitions));
      else return (out.problems.push(`refresh: ${describeError(e)}`), false);
    }
    return true;
  };
  let i = 0;
  batches: for (; i < batches.length; i++) {
    const b = batches[i]!;
    if (b.group !== undefined && oneByOne.has(b.group)) {
      for (let j = 0; j < b.targets.length; j++) {
        if (!(await askOne(b, b.targets[j]!))) {
          out.skipped += b.targets.length - j;
          i += 1;
          break batches;
        }
      }
      continue;
    }
    if (out.requests >= opts.maxRequests) break;
    out.requests += 1;
    try {
      const res = await b.call(ctx);
      out.asked += b.targets.length;
      await land(refreshPage(source, res, b.targets, ctx, opts.definitions));
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      const status = e instanceof HttpError ? e.status : undefined;
      if (b.fallback && b.group !== undefined && status !== undefined && b.fallback.on.includes(status)) {
        // The server has no batch lookup (Mastodon before 4.3): this group goes one post at a time.
        oneByOne.add(b.group);
        i -= 1;
        continue;
      }
      if (status !== undefined && GONE.includes(status) && b.targets.length === 1) {
        out.asked += 1;
        await land(refreshPage(source, errorResponse(e as HttpError), b.targets, ctx, opts.definitions));
        continue;
      }
      out.problems.push(`refresh: ${describeError(e)}`);
      out.skipped += b.targets.length;
      i += 1;
      break;
    }
  }
  for (; i < batches.length; i++) out.skipped += batches[i]!.targets.length;
  if (out.skipped && out.requests >= opts.maxRequests) {
    out.problems.push(`refresh: request budget of ${opts.maxRequests} spent; ${out.skipped} older posts asked for wait for the next run (refresh.maxRequests)`);
  }
  return out;
}

/**
 * Normalizes a refresh page: the source's normalizer on the response (reshaped by its
 * definition's `refreshPage` where the lookup answers differently from the search),
 * `queries` left empty (a refresh matches no query; the lake keeps the union of every
 * state's), and `deleted` set to the posts asked
 * for that the answer does not hold. A page that could not be read, or whose items were
 * rejected, marks nothing deleted: a post is called gone only on a clear answer.
 */
export function normalizeRefreshPage(page: RawPage, definitions: readonly SourceDefinition[] = SOURCE_DEFINITIONS): Normalized {
  const asked = page.meta.refresh ?? [];
  if (GONE.includes(page.meta.status)) return { posts: [], rejected: [], deleted: [...asked] };
  const def = definitionOf(page.meta.source, definitions);
  if (!def) return { posts: [], rejected: [], pageError: `no normalizer for source "${page.meta.source}"` };
  const gone = new Set<string>();
  // The source's reshape, where its lookup answers differently from its search (see SourceRuntime.refreshPage).
  const n = def.normalize(def.refreshPage ? def.refreshPage(page, gone) : page);
  const posts: Post[] = n.posts.map((p) => ({ ...p, queries: [] }));
  if (n.pageError) return { ...n, posts };
  const returned = new Set(posts.map((p) => p.post_id));
  const deleted = n.rejected.length ? [...gone] : asked.filter((id) => gone.has(id) || !returned.has(id));
  return { ...n, posts, deleted };
}

/** Views or impressions from a post's `extra` (Stack Exchange `view_count`, X `impression_count`). */
function viewCount(extra: string | null): number | null {
  if (!extra || !(extra.includes('"view_count"') || extra.includes('"impression_count"'))) return null;
  try {
    const e = JSON.parse(extra) as { view_count?: unknown; impression_count?: unknown };
    const v = e.view_count ?? e.impression_count;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The post_metrics rows of a normalized raw page: one observation per post (at the page's
 * fetch time), and one `deleted` observation per post a refresh found gone.
 */
export function observationsOf(page: RawPage, n: Normalized): PostMetric[] {
  const at = page.meta.fetched_at;
  const rows: PostMetric[] = n.posts.map((p) => ({
    post_id: p.post_id,
    source: p.source,
    observed_at: p.collected_at,
    like_count: p.like_count,
    repost_count: p.repost_count,
    reply_count: p.reply_count,
    quote_count: p.quote_count,
    score: p.score,
    view_count: viewCount(p.extra),
    deleted: false,
  }));
  for (const id of n.deleted ?? []) {
    rows.push({
      post_id: id,
      source: page.meta.source,
      observed_at: at,
      like_count: null,
      repost_count: null,
      reply_count: null,
      quote_count: null,
      score: null,
      view_count: null,
      deleted: true,
    });
  }
  return rows;
}

export { chunks } from './batch.ts';
