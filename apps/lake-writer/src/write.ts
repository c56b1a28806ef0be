import { StateStore, gunzipText, mergePosts, openLake, rawFilesAfter, rawOrder } from '@social-pulse/lake';
import { crashPoint, type StepContext, type StepReport } from '@social-pulse/pipeline';
import { createProgress, describeError } from '@social-pulse/runtime';
import type { Post } from '@social-pulse/schema';
import { decodeRawPage, normalizeRawPage } from '@social-pulse/sources';

/** `_state/lake-writer.json`: the last raw page merged into posts/. */
export interface LakeWriterState {
  rawThrough?: string;
}

/** Posts held in memory before a merge; bounds memory on large backfills. */
const BATCH_POSTS = 200_000;

/**
 * The lake-write step: normalizes every raw page landed since the last success and merges
 * the posts into posts/ (DuckDB). Pages that cannot be read stay in raw/ and are counted;
 * the watermark moves only after a batch is merged, so a crash redoes that batch (the merge
 * is idempotent).
 */
export async function writeLake(ctx: StepContext): Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>> {
  const lake = await openLake(ctx.config.lakeLocation);
  const state = new StateStore(lake);
  const st = await state.read<LakeWriterState>('lake-writer', {});
  const files = await rawFilesAfter(lake, st.rawThrough);
  const progress = createProgress('lake-write', { total: files.length, unit: 'pages' });
  let batch: Post[] = [];
  let rowsIn = 0;
  let rowsOut = 0;
  let newPosts = 0;
  let rejected = 0;
  let filesWritten = 0;
  const malformed: string[] = [];
  const rejections: string[] = [];
  const flush = async (through: string | undefined) => {
    if (batch.length) {
      const r = await mergePosts(lake, batch, ctx.runId);
      rowsOut += r.rowsOut;
      newPosts += r.newPosts;
      filesWritten += r.filesWritten.length;
      batch = [];
      crashPoint('lake-write.merged', ctx.env);
    }
    if (through) await state.write('lake-writer', { rawThrough: through } satisfies LakeWriterState);
  };
  try {
    for (const f of files) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      try {
        const page = decodeRawPage(gunzipText(await lake.read(f.key)));
        const n = normalizeRawPage(page);
        if (n.pageError) malformed.push(`${f.key}: ${n.pageError}`);
        for (const r of n.rejected) rejections.push(`${f.key}: item ${r.item}: ${r.reason}`);
        rejected += n.rejected.length;
        rowsIn += n.posts.length;
        batch.push(...n.posts);
      } catch (e) {
        malformed.push(`${f.key}: ${describeError(e)}`);
      }
      progress.increment();
      if (batch.length >= BATCH_POSTS) await flush(rawOrder(f.key));
    }
    await flush(files.length ? rawOrder(files.at(-1)!.key) : undefined);
  } finally {
    progress.stop();
  }
  for (const m of malformed) ctx.log.warn(`kept in raw/, not merged: ${m}`);
  for (const r of rejections.slice(0, 20)) ctx.log.warn(`rejected: ${r}`);
  const lines = [
    `lake-write    ${files.length} raw pages → ${rowsIn} posts, ${newPosts} new; ${rowsOut} rows rewritten in ${filesWritten} Parquet files`,
  ];
  if (malformed.length) lines.push(`              ${malformed.length} pages skipped (kept in raw/): ${malformed.slice(0, 3).join('; ')}`);
  if (rejected) lines.push(`              ${rejected} items rejected: ${rejections.slice(0, 3).join('; ')}`);
  return {
    status: malformed.length || rejected ? 'partial' : 'ok',
    rowsIn,
    rowsOut: newPosts,
    rowsRejected: rejected + malformed.length,
    retries: 0,
    ...(malformed.length || rejected ? { error: [...malformed, ...rejections].slice(0, 5).join('; ') } : {}),
    details: { rawPages: files.length, malformedPages: malformed.length, rewrittenRows: rowsOut, filesWritten },
    lines,
  };
}
