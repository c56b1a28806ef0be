import { DEFAULT_REFRESH_REQUESTS, parseDuration, refreshBudget, type Config } from '@social-pulse/config';
import { recentPosts, type LakeStore, type RawZone } from '@social-pulse/lake';
import { describeError } from '@social-pulse/runtime';
import { refresherFor, refreshPosts, sidecarOf, type FetchContext, type RefreshOutcome, type Source } from '@social-pulse/sources';

/**
 * The engagement refresh of one source, after its search pages (issue 15): the lake's posts
 * of this source younger than `refresh.window`, newest first, asked for again through the
 * source's batch lookup within `refresh.maxRequests` requests; every response lands in raw/
 * (the lake writer turns each into post_metrics rows and fresher posts). Returns undefined
 * when the refresh is off for this source; a failure is reported in the outcome, never thrown.
 */
export async function refreshSource(source: Source, config: Config, lake: LakeStore, raw: RawZone, ctx: FetchContext): Promise<RefreshOutcome | undefined> {
  // A configuration built by hand (not through the schema) may lack the key: its defaults then.
  const settings = config.refresh ?? { enabled: true, window: '48h' };
  const maxRequests = refreshBudget(settings, source.name, DEFAULT_REFRESH_REQUESTS);
  const refresher = refresherFor(source);
  if (!refresher || maxRequests <= 0) return undefined;
  const windowMs = parseDuration(settings.window) ?? 48 * 3_600_000;
  try {
    // Enough candidates to fill the budget, and one more to tell whether older posts must wait
    // (the Mastodon fallback, one status a request, uses fewer).
    const targets = await recentPosts(lake, source.name, new Date(ctx.now().getTime() - windowMs), maxRequests * refresher.batchSize + 1);
    return await refreshPosts(source.name, refresher, targets, ctx, {
      maxRequests,
      // The raw zone scrubs every registered secret from the page before it lands, as for search
      // pages; refresh pages are read by the definitions' normalizers, so their sidecar always holds what the writer would make.
      land: async (page) => {
        const sidecar = sidecarOf(page.raw, page.normalized);
        await raw.land(source.name, page.raw.meta.fetched_at, page.rawText, sidecar ? { sidecar } : {});
      },
    });
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    return { requests: 0, pages: 0, asked: 0, observed: 0, deleted: 0, skipped: 0, problems: [`refresh: ${describeError(e)}`] };
  }
}
