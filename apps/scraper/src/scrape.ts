import { resolveSince, type Config } from '@social-pulse/config';
import { RawZone, StateStore, openLake, type LakeStore } from '@social-pulse/lake';
import { combineStatus, crashPoint, type StepContext, type StepReport } from '@social-pulse/pipeline';
import { HttpClient, createProgress, describeError, userAgent, VERSION } from '@social-pulse/runtime';
import type { PipelineRun, RunStatus } from '@social-pulse/schema';
import { createSources, definitionOf, emptyCursor, scrapeQuery, sidecarOf, type QueryCursor, type RefreshOutcome, type QueryOutcome, type Source } from '@social-pulse/sources';
import { z } from 'zod';
import { refreshSource } from './refresh.ts';

/** `_state/cursors.json`: per source, per query key, the incremental cursor. */
export type CursorDoc = { version: 1; sources: Record<string, Record<string, QueryCursor>> };

// Loose objects: a field a newer version adds to a cursor survives being read and saved again.
const queryCursor = z.looseObject({ high: z.string().optional(), gaps: z.array(z.looseObject({ below: z.string(), above: z.string().optional() })) });
const cursorDoc = z.looseObject({ version: z.literal(1), sources: z.record(z.string(), z.record(z.string(), queryCursor)) });
const RECOVER = 'delete it; each query then starts again from `since` (posts already in the lake are not duplicated)';

/**
 * Serializes cursor saves from sources running in parallel into one document, written
 * whole (atomically) after every landed page.
 */
class Cursors {
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly state: StateStore,
    readonly doc: CursorDoc,
  ) {}

  static async load(state: StateStore): Promise<Cursors> {
    return new Cursors(state, await state.read<CursorDoc>('cursors', { version: 1, sources: {} }, { schema: cursorDoc, recover: RECOVER }));
  }

  get(source: string, key: string): QueryCursor {
    return this.doc.sources[source]?.[key] ?? emptyCursor();
  }

  save(source: string, key: string, cursor: QueryCursor): Promise<void> {
    (this.doc.sources[source] ??= {})[key] = cursor;
    const snapshot = JSON.parse(JSON.stringify(this.doc)) as CursorDoc;
    this.chain = this.chain.then(() => this.state.write('cursors', snapshot));
    return this.chain;
  }
}

interface SourceResult {
  name: string;
  status: RunStatus;
  outcomes: QueryOutcome[];
  retries: number;
  error?: string;
  /** The engagement refresh after the search pages (absent when off). */
  refresh?: RefreshOutcome;
  startedAt: string;
  finishedAt: string;
}

async function scrapeSource(source: Source, ctx: StepContext, cursors: Cursors, raw: RawZone, lake?: LakeStore): Promise<SourceResult> {
  const cfg = ctx.config;
  const startedAt = new Date().toISOString();
  const http = new HttpClient({
    userAgent: userAgent(VERSION, cfg.contact),
    timeoutMs: cfg.http.timeoutMs,
    retries: cfg.http.retries,
    backoffBaseMs: cfg.http.backoffMs,
    maxRetryAfterMs: cfg.http.maxRetryAfterMs,
    concurrency: cfg.http.concurrency,
    logger: ctx.log,
    signal: ctx.signal,
  });
  const since = resolveSince(source.config.since ?? cfg.since, new Date())!;
  const progress = createProgress(source.name, { unit: 'posts' });
  // Pages are read with the source's own normalizer: a sidecar holds the lake writer's result only when that is its definition's.
  const sidecars = source.normalize === definitionOf(source.name)?.normalize;
  const outcomes: QueryOutcome[] = [];
  let refresh: RefreshOutcome | undefined;
  try {
    for (const query of source.queries()) {
      if (ctx.signal.aborted) break;
      const outcome = await scrapeQuery(
        source,
        query,
        cursors.get(source.name, query.key),
        { http, runId: ctx.runId, now: () => new Date(), log: ctx.log, env: ctx.env, signal: ctx.signal },
        {
          since,
          ...(source.config.limit ? { limit: source.config.limit } : {}),
          maxPages: source.config.maxPages ?? cfg.maxPages,
          land: async (page) => {
            // The raw zone replaces every registered secret (the environment's, and the tokens
            // this process's sources obtained) before the page lands. Its normalized posts land
            // beside it (a sidecar), so that the lake writer need not normalize it again.
            const sidecar = sidecars ? sidecarOf(page.raw, page.normalized) : undefined;
            await raw.land(source.name, page.raw.meta.fetched_at, page.rawText, { ...(sidecar ? { sidecar } : {}), afterSidecar: () => crashPoint('scrape.sidecar', ctx.env) });
            crashPoint('scrape.landed', ctx.env);
            progress.increment(page.normalized.posts.length);
          },
          save: async (cursor) => {
            await cursors.save(source.name, query.key, cursor);
            crashPoint('scrape.saved', ctx.env);
          },
        },
      );
      outcomes.push(outcome);
      for (const p of outcome.problems) ctx.log.warn(`${source.name}: ${p}`);
    }
    if (lake && !ctx.signal.aborted) {
      refresh = await refreshSource(source, cfg, lake, raw, { http, runId: ctx.runId, now: () => new Date(), log: ctx.log, env: ctx.env, signal: ctx.signal });
      for (const p of refresh?.problems ?? []) ctx.log.warn(`${source.name}: ${p}`);
    }
  } finally {
    progress.stop();
  }
  // A server paging in circles is reported as partial: what it sent landed, but the query could not finish.
  const statuses = outcomes.map((o): RunStatus =>
    o.stoppedBy === 'error' ? 'failed' : o.stoppedBy === 'loop' || o.malformedPages || o.rejected ? 'partial' : 'ok',
  );
  // Why a query stopped early is its last problem: those lead, so that item rejections cannot crowd them out of the line.
  const stops = outcomes.flatMap((o) => (o.stoppedBy !== 'caught-up' && o.stoppedBy !== 'limit' ? o.problems.slice(-1) : []));
  const problems = [...stops, ...outcomes.flatMap((o) => (o.stoppedBy !== 'caught-up' && o.stoppedBy !== 'limit' ? o.problems.slice(0, -1) : o.problems))];
  // A refresh that failed leaves the search's pages as they are: the source is partial, not failed.
  const refreshFailed = refresh !== undefined && refresh.problems.some((p) => !p.includes('refresh.maxRequests'));
  if (refresh) problems.push(...refresh.problems);
  return {
    name: source.name,
    status: combineStatus(refreshFailed ? [...statuses, 'partial'] : statuses),
    ...(refresh ? { refresh } : {}),
    outcomes,
    retries: http.retries,
    ...(problems.length ? { error: problems.slice(0, 5).join('; ') } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The scrape step: every ready source in parallel, its queries in turn; raw pages landed, cursors saved per page. */
export async function scrape(ctx: StepContext): Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>> {
  const config: Config = ctx.config;
  const lake = await openLake(config.lakeLocation);
  const cursors = await Cursors.load(new StateStore(lake));
  // A retried step lands under a name of its own: the pages of the attempt that died keep theirs,
  // and sort before these (`<run>-a2-…` after `<run>-000123`), so the lake writer reads both.
  const raw = new RawZone(lake, (ctx.attempt ?? 1) > 1 ? `${ctx.runId}-a${ctx.attempt}` : ctx.runId);
  const statuses = createSources(config, ctx.env);
  const lines: string[] = [];
  const perSource: Omit<PipelineRun, 'run_id' | 'step'>[] = [];
  const now = new Date().toISOString();
  for (const s of statuses) {
    if (s.kind === 'skipped') {
      lines.push(`  ${s.name.padEnd(14)} skipped: ${s.reason}`);
      ctx.log.warn(`${s.name} skipped: ${s.reason}`);
      perSource.push({
        source: s.name, started_at: now, finished_at: now, status: 'skipped', rows_in: 0, rows_out: 0,
        rows_rejected: 0, retries: 0, error: s.reason, details: null,
      });
    }
  }
  const ready = statuses.flatMap((s) => (s.kind === 'ready' ? [s.source] : []));
  const results = await Promise.all(
    ready.map((src) =>
      scrapeSource(src, ctx, cursors, raw, lake).catch(
        (e): SourceResult => ({ name: src.name, status: 'failed', outcomes: [], retries: 0, error: describeError(e), startedAt: now, finishedAt: new Date().toISOString() }),
      ),
    ),
  );
  for (const r of results) {
    const pages = sum(r.outcomes.map((o) => o.pages));
    const posts = sum(r.outcomes.map((o) => o.posts));
    const rejected = sum(r.outcomes.map((o) => o.rejected));
    const malformed = sum(r.outcomes.map((o) => o.malformedPages));
    const limited = r.outcomes.filter((o) => o.stoppedBy === 'limit').length;
    const capped = r.outcomes.filter((o) => o.stoppedBy === 'page-cap').length;
    const looped = r.outcomes.filter((o) => o.stoppedBy === 'loop').length;
    const queries = (n: number) => `${n} ${n === 1 ? 'query' : 'queries'}`;
    lines.push(
      `  ${r.name.padEnd(14)} ${r.status.padEnd(8)} ${pages} pages, ${posts} posts` +
        (rejected ? `, ${rejected} items rejected` : '') +
        (malformed ? `, ${malformed} malformed pages kept in raw/` : '') +
        (r.retries ? `, ${r.retries} retries` : '') +
        (limited ? `, limit reached on ${queries(limited)} (the rest next run)` : '') +
        (capped ? `, page cap reached on ${queries(capped)} (the rest next run)` : '') +
        (looped ? `, paging loop stopped on ${queries(looped)}` : '') +
        (r.refresh?.requests ? `; refreshed ${r.refresh.observed} posts in ${r.refresh.requests} request${r.refresh.requests === 1 ? '' : 's'}${r.refresh.deleted ? `, ${r.refresh.deleted} deleted` : ''}${r.refresh.skipped ? ', older posts wait for the next run' : ''}` : ''),
    );
    if (r.error) lines.push(`  ${''.padEnd(14)} ${r.error}`);
    perSource.push({
      source: r.name, started_at: r.startedAt, finished_at: r.finishedAt, status: r.status, rows_in: pages, rows_out: posts,
      rows_rejected: rejected + malformed, retries: r.retries, error: r.error ?? null,
      details: JSON.stringify({ pages, malformedPages: malformed, ...(r.refresh ? { refresh: { requests: r.refresh.requests, pages: r.refresh.pages, asked: r.refresh.asked, observed: r.refresh.observed, deleted: r.refresh.deleted, skipped: r.refresh.skipped } } : {}), queries: r.outcomes.map((o) => ({ query: o.query, pages: o.pages, items: o.items, stoppedBy: o.stoppedBy })) }),
    });
  }
  const status = combineStatus(perSource.map((p) => p.status));
  return {
    status: statuses.length === 0 ? 'skipped' : status,
    rowsIn: sum(perSource.map((p) => p.rows_in)),
    rowsOut: sum(perSource.map((p) => p.rows_out)),
    rowsRejected: sum(perSource.map((p) => p.rows_rejected)),
    retries: sum(results.map((r) => r.retries)),
    ...(status !== 'ok' ? { error: perSource.filter((p) => p.status !== 'ok').map((p) => `${p.source}: ${p.status}`).join(', ') } : {}),
    // Each request already spent its retries: running the step again would only repeat them.
    retryable: false,
    perSource,
    lines: statuses.length ? ['scrape', ...lines] : ['scrape: no sources configured (add some under `sources:`)'],
  };
}
