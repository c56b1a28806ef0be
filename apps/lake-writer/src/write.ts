import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { LakeLocation } from '@social-pulse/config';
import { MetricsWriter, type NdjsonWriter, PostsMerge, lakeWriterInput, openLake } from '@social-pulse/lake';
import { crashPoint, idleReport, reportLine, type StepContext, type StepReport } from '@social-pulse/pipeline';
import { createProgress } from '@social-pulse/runtime';
import type { PostMetric } from '@social-pulse/schema';
import type { PageResult } from './normalize-page.ts';
import { NormalizePool, poolSize, readPage } from './normalize-pool.ts';

/**
 * The merge's local work folder: one per lake, so that the staging a killed run left behind
 * (about 120 MB per million posts) is cleared by the next run instead of filling the disk.
 * Steps run under the lake's run lock, so no other writer of this lake uses it meanwhile.
 */
export function mergeWorkDir(lake: LakeLocation): string {
  const id = createHash('sha256').update(JSON.stringify(lake)).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `social-pulse-merge-${id}`);
}

/** Posts held in memory before they are staged on disk; bounds memory on large backfills. */
const BATCH_POSTS = 100_000;
/** The smallest batch cut before the last page: see {@link batchFull}. */
const TAIL_POSTS = 10_000;

/**
 * Whether the batch being filled is to be staged now. A batch is staged (by DuckDB, in its own
 * threads) while the next one fills, but the last one only once every page is read: staged
 * whole at 100,000 posts, that last batch kept the step waiting about 2 s after the last page.
 * So toward the end a batch is cut as soon as it holds as many posts as the pages not yet taken
 * are expected to bring (at the rate seen so far), at least 10,000: the batches shrink by half
 * toward the end, and the one left to stage after the last page is small. The batches are
 * staged in order and the commit deduplicates across them: where they are cut changes nothing
 * in the lake.
 */
export function batchFull(batchRows: number, rowsIn: number, pagesTaken: number, pagesLeft: number): boolean {
  if (batchRows >= BATCH_POSTS) return true;
  if (batchRows < TAIL_POSTS || !pagesTaken) return false;
  return batchRows >= (pagesLeft * rowsIn) / pagesTaken;
}

/**
 * The lake-write step: normalizes every raw page landed since the last success and merges
 * the posts into posts/ (DuckDB). Posts are normalized (on one worker thread per core, see
 * normalize-pool.ts) and staged on local disk batch by batch, then every partition they touch is rewritten once, so a backfill of N posts costs
 * O(N) whatever its spread over time. Pages that cannot be read stay in raw/ and are counted;
 * the watermark moves only after the merge, so a crash redoes the step (the merge is
 * idempotent).
 */
export async function writeLake(ctx: StepContext): Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>> {
  const lake = await openLake(ctx.config.lakeLocation);
  const { cursor, files } = await lakeWriterInput(lake);
  // A bad PULSE_LAKE_WRITE_THREADS is refused even when there is nothing to do.
  const threads = poolSize(files.length, ctx.env);
  // Nothing new (an idle run): no DuckDB, no threads.
  if (!files.length) return idleReport('lake-write');
  const t0 = performance.now();
  const phase: Record<string, number> = {};
  const progress = createProgress('lake-write', { total: files.length, unit: 'pages' });
  const merge = await PostsMerge.open(lake, ctx.runId, { memoryLimit: ctx.config.memoryLimit, workDir: mergeWorkDir(ctx.config.lakeLocation) });
  const pool = NormalizePool.start(threads);
  let batch: NdjsonWriter | undefined = merge.batch();
  let batchRows = 0;
  let staging: Promise<void> | undefined;
  let rowsIn = 0;
  let rowsOut = 0;
  let newPosts = 0;
  let rejected = 0;
  let filesWritten = 0;
  let partitions = 0;
  let movedPosts = 0;
  let movedExamples: string[] = [];
  const malformed: string[] = [];
  const rejections: string[] = [];
  // post_metrics: one observation per post of every page, and the deletions refreshes found.
  let observations: PostMetric[] = [];
  let observed = 0;
  let metricsFiles = 0;
  // Written in batches too (names carry a hash of their rows: a redone step rewrites nothing),
  // one at a time, while pages go on being read (a batch waits for the one before it).
  let flushing: Promise<void> | undefined;
  let metrics: Promise<MetricsWriter> | undefined;
  const flushMetrics = async () => {
    if (flushing) await flushing;
    const rows = observations;
    observations = [];
    if (!rows.length) return;
    const writer = (metrics ??= MetricsWriter.open(lake, ctx.runId));
    flushing = writer.then((w) => w.write(rows)).then((r) => {
      metricsFiles += r.files.length;
      observed += rows.length;
    });
    flushing.catch(() => undefined);
  };
  // Pages are read and normalized ahead (on the pool's threads), and taken in order: posts,
  // rejections and the malformed list come out as if read one by one.
  const started = pool.threads;
  const ahead = Math.max(4, started * 8);
  const inflight: { key: string; result: Promise<PageResult & { sidecar: boolean }> }[] = [];
  let fromSidecars = 0;
  let taken = 0;
  const take = async () => {
    const { key, result } = inflight.shift()!;
    const r = await result;
    if (r.sidecar) fromSidecars += 1;
    if (r.error !== undefined) malformed.push(`${key}: ${r.error}`);
    else {
      if (r.pageError) malformed.push(`${key}: ${r.pageError}`);
      for (const x of r.rejected) rejections.push(`${key}: item ${x.item}: ${x.reason}`);
      rejected += r.rejected.length;
      rowsIn += r.posts;
      batchRows += r.posts;
      await batch!.writeBytes(r.lines);
      for (const o of r.observations) observations.push(o);
      if (observations.length >= BATCH_POSTS) await flushMetrics();
    }
    progress.increment();
    taken += 1;
    if (batchFull(batchRows, rowsIn, taken, files.length - taken)) {
      // DuckDB stages this batch in its own threads while the next one fills; one at a time.
      if (staging) await staging;
      staging = merge.stageBatch(batch!, batchRows);
      staging.catch(() => undefined);
      batch = merge.batch();
      batchRows = 0;
    }
  };
  try {
    for (const f of files) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      // From its sidecar when the scraper landed one of the running normalizer, else normalized here.
      const result = readPage(lake, f, pool);
      // Awaited in order by take(); a failure met after the step already failed is not left unhandled.
      result.catch(() => undefined);
      inflight.push({ key: f.key, result });
      while (inflight.length >= ahead) await take();
    }
    while (inflight.length) await take();
    phase.normalized = performance.now() - t0;
    if (staging) await staging;
    const last = batch;
    batch = undefined;
    await merge.stageBatch(last, batchRows);
    phase.staged = performance.now() - t0;
    // The last observations are written while the partitions are rewritten.
    await flushMetrics();
    progress.stop();
    if (merge.staged) {
      const bar = createProgress('lake-merge', { unit: 'partitions' });
      try {
        const r = await merge.commit((_p, total) => {
          bar.setTotal(total);
          bar.increment();
        });
        ({ rowsOut, newPosts, partitions, movedPosts, movedExamples } = r);
        filesWritten = r.filesWritten.length;
      } finally {
        bar.stop();
      }
      phase.committed = performance.now() - t0;
    }
    // Before the watermark: a crash here redoes the step, and the same observations land under the same names.
    await flushing;
    if (merge.staged) crashPoint('lake-write.merged', ctx.env);
    if (files.length) await cursor.save({ rawThrough: cursor.zone.watermark(files) });
  } finally {
    progress.stop();
    await batch?.close().catch(() => undefined);
    await flushing?.catch(() => undefined);
    await metrics?.then((w) => w.close()).catch(() => undefined);
    await pool.close();
    await merge.close();
  }
  phase.done = performance.now() - t0;
  ctx.log.debug(`lake-write: ${fromSidecars} of ${files.length} raw pages taken from their sidecars; phases (ms since start): ${Object.entries(phase).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}; ${threads} threads asked, ${started} started`);
  for (const m of malformed) ctx.log.warn(`kept in raw/, not merged: ${m}`);
  for (const r of rejections.slice(0, 20)) ctx.log.warn(`rejected: ${r}`);
  const lines = [
    reportLine('lake-write', `${files.length} raw pages → ${rowsIn} posts, ${newPosts} new; ${rowsOut} rows rewritten in ${filesWritten} Parquet files`),
  ];
  if (observed) lines.push(reportLine('', `${observed} observations → post_metrics (${metricsFiles} metrics/ files)`));
  if (malformed.length) lines.push(reportLine('', `${malformed.length} pages skipped (kept in raw/): ${malformed.slice(0, 3).join('; ')}`));
  if (rejected) lines.push(reportLine('', `${rejected} items rejected: ${rejections.slice(0, 3).join('; ')}`));
  if (movedPosts) {
    // Not an error (a post's day can change between two states), but a conflict worth seeing.
    const msg = `${movedPosts} posts found in another day's partition too (their created_at changed): kept once, in the partition of the newest state; stale copies removed (${movedExamples.join(', ')}${movedPosts > movedExamples.length ? ', …' : ''})`;
    lines.push(reportLine('', msg));
    ctx.log.warn(msg);
  }
  return {
    status: malformed.length || rejected ? 'partial' : 'ok',
    rowsIn,
    rowsOut: newPosts,
    rowsRejected: rejected + malformed.length,
    retries: 0,
    ...(malformed.length || rejected ? { error: [...malformed, ...rejections].slice(0, 5).join('; ') } : {}),
    details: { observations: observed, rawPages: files.length, fromSidecars, malformedPages: malformed.length, rewrittenRows: rowsOut, filesWritten, partitions, movedPosts },
    lines,
  };
}
