import path from 'node:path';
import {
  nlpShardOf,
  nlpShardTag,
  openLake,
  readNlpIndex,
  readNlpRows,
  streamPostTexts,
  writeNlp,
  type LakeStore,
  type PostText,
} from '@social-pulse/lake';
import {
  createEnricherPool,
  enrichInput,
  labelIndex,
  nlpConfigRelativeTo,
  planEnrichment,
  recordLabels,
  postText,
  prepareText,
  resolveModelsDir,
  type Enricher,
  type EnricherState,
} from '@social-pulse/nlp';
import { crashPoint, idleReport, reportLine, type StepContext, type StepReport } from '@social-pulse/pipeline';
import { PulseError, createProgress, describeError, type Progress } from '@social-pulse/runtime';
import type { PostNlp } from '@social-pulse/schema';

export interface EnrichOptions {
  /** The lake to use instead of the configured one (tests: a fake Cloud Storage). */
  lake?: LakeStore;
  /** Posts read, labelled and written at a time (default CHUNK_POSTS). */
  chunkPosts?: number;
}

/**
 * Posts read, planned and labelled at a time, and at most labelled between two nlp/ files.
 * The posts/ files are read as a stream of such windows (a relabelling after a model change
 * reads every post, and never holds more than one window of texts); each is written as soon
 * as it is labelled, so a long run that is interrupted keeps what it did.
 */
export const CHUNK_POSTS = 4096;

type Report = Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>;

/** Loading the models failed: say what the user can do about it. */
function modelsUnavailable(e: unknown, offline: boolean): PulseError {
  const fixes = offline
    ? 'point PULSE_MODELS_DIR or nlp.modelsDir at a folder that holds them (`pulse models pull` fills one where huggingface.co is reachable)'
    : 'check that huggingface.co is reachable, or run `pulse models pull` with PULSE_MODELS_DIR set (then runs load them offline)';
  return new PulseError(
    `the NLP models could not be loaded: ${describeError(e).replace(/\.$/, '')}. To fix: ${fixes}; ` +
      'to run without labels, set nlp.enabled: false or use `pulse run --skip enrich` (posts are still loaded).',
    // Offline, the same files will be missing on the next attempt: not worth a retry.
    offline ? 2 : 1,
  );
}

/**
 * The enrich step: labels the posts of every posts/ file written since the last success that
 * are not labelled yet for their current text and the configured models, and writes the
 * labels to nlp/. Identical texts are computed once (within a run by the enricher, across runs
 * by copying stored labels). A change of model or setting re-reads every posts/ file, and
 * every post is labelled again. The watermark moves only after the labels are written, so a
 * crash redoes at most the unfinished chunk.
 */
export async function enrich(ctx: StepContext, opts: EnrichOptions = {}): Promise<Report> {
  const nlp = nlpConfigRelativeTo(ctx.config.nlp, path.dirname(path.resolve(ctx.config.file)));
  if (!nlp.enabled) {
    return { status: 'skipped', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, lines: [reportLine('enrich', 'skipped: nlp.enabled is false')] };
  }
  const chunkPosts = opts.chunkPosts ?? CHUNK_POSTS;
  const lake = opts.lake ?? (await openLake(ctx.config.lakeLocation));
  const { shard, cursor, models, modelsChanged, files } = await enrichInput(lake, nlp, ctx.env);
  const st = cursor.doc;
  const through = cursor.zone.watermark(files);
  // What labelled the posts: a hub model downloaded by this run has its fingerprint only once loaded.
  let labelledWith = models;
  const saveState = async () => {
    if (!through && !modelsChanged) return;
    const name = through ?? st.postsThrough;
    const doc: EnricherState = { ...(name ? { postsThrough: name } : {}), models: labelledWith, ...(shard ? { updatedAt: new Date().toISOString() } : {}) };
    await cursor.save(doc);
  };
  const prefix = shard ? `shard ${shard.index}/${shard.count}: ` : '';
  const label = reportLine('enrich', prefix);
  if (!files.length) {
    await saveState();
    return idleReport('enrich', prefix);
  }

  // The labels already stored, kept current as windows are written, so that identical texts
  // in a later window are copied rather than computed again.
  const index = labelIndex(await readNlpIndex(lake));
  const started = Date.now();
  const enrichedAt = new Date().toISOString();
  let seq = 0;
  let rowsOut = 0;
  let filesWritten = 0;
  const write = async (rows: PostNlp[]) => {
    if (!rows.length) return;
    // The shard in the file name keeps concurrent shards' files apart even within one run id.
    const r = await writeNlp(lake, rows, shard ? `${ctx.runId}-${nlpShardTag(shard)}` : ctx.runId, seq);
    seq += r.files.length;
    filesWritten += r.files.length;
    rowsOut += r.rows;
    recordLabels(index, rows);
    crashPoint('enrich.written', ctx.env);
  };

  let enricher: Enricher | undefined;
  let device = 'none';
  // What the run did, counted window by window (the report's figures).
  const n = { read: 0, inShard: 0, upToDate: 0, labelled: 0, textsComputed: 0, copied: 0, windows: 0, largestWindow: 0 };
  const offline = Boolean(resolveModelsDir(nlp, ctx.env)) || ctx.env.HF_HUB_OFFLINE === '1';
  let progress: Progress | undefined;
  try {
    // One window of posts at a time: the texts of every posts/ file are never all in memory.
    for await (const window of streamPostTexts(lake, files.map((f) => f.key), chunkPosts)) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      n.windows++;
      n.largestWindow = Math.max(n.largestWindow, window.length);
      n.read += window.length;
      // A shard keeps the posts whose prepared text hashes to it: identical texts (cross-posts,
      // reposts) meet in one shard, where the enricher computes them once, and no other shard
      // ever writes labels for them, so shards never need to see each other's work.
      const posts = shard ? window.filter((p) => nlpShardOf(prepareText(postText(p), { maxChars: nlp.maxChars }), shard.count) === shard.index) : window;
      n.inShard += posts.length;
      // Planning needs no model: it hashes prepared texts with the configured model versions.
      const plan = planEnrichment<PostText>(posts, index, nlp, models);
      n.upToDate += plan.upToDate;

      // Cross-posts and reposts whose text is already labelled: copy the labels.
      const sources = plan.copies.length ? new Map((await readNlpRows(lake, plan.copies.map((c) => c.from))).map((r) => [r.post_id, r])) : new Map<string, PostNlp>();
      const copies: PostNlp[] = [];
      for (const c of plan.copies) {
        const from = sources.get(c.from);
        if (from) copies.push({ ...from, post_id: c.post.post_id, created_at: c.post.created_at, enriched_at: enrichedAt });
        else plan.todo.push(c.post); // vanished between the index and now: compute it
      }
      await write(copies);
      n.copied += copies.length;
      if (!plan.todo.length) continue;

      if (!enricher) {
        try {
          // One set of models on every core, or `nlp.workers` worker threads each with its own.
          enricher = await createEnricherPool(nlp, { log: ctx.log, env: ctx.env });
        } catch (e) {
          throw modelsUnavailable(e, offline);
        }
        device = enricher.device;
        labelledWith = [...enricher.models];
      }
      n.labelled += plan.todo.length;
      const bar = (progress ??= createProgress('enrich', { unit: 'posts' }));
      bar.setTotal(n.labelled);
      let shown = 0;
      const rows = await enricher.enrich(plan.todo, (p) => {
        bar.increment(p.done - shown);
        shown = p.done;
      });
      bar.increment(plan.todo.length - shown);
      await write(rows);
    }
  } finally {
    progress?.stop();
    if (enricher) {
      n.textsComputed = enricher.stats().textsComputed;
      await enricher.close();
    }
  }
  await saveState();

  const seconds = (Date.now() - started) / 1000;
  const rate = n.labelled && seconds > 0 ? ` at ${(n.labelled / seconds).toFixed(1)} posts/s on ${device}` : '';
  const lines = [
    `${label}${shard ? `${n.read} posts read, ${n.inShard} in this shard` : `${n.read} posts read`}, ${n.upToDate} already labelled; ${n.labelled} labelled (${n.textsComputed} distinct texts computed${rate}), ` +
      `${n.copied} copied from identical texts; ${rowsOut} rows → nlp/ in ${filesWritten} files`,
  ];
  if (modelsChanged && st.models) lines.push(reportLine('', 'models or settings changed since the last run: every post is relabelled'));
  ctx.log.info(lines[0]!);
  return {
    status: 'ok',
    rowsIn: n.read,
    rowsOut,
    rowsRejected: 0,
    retries: 0,
    details: {
      postsFiles: files.length,
      ...(shard ? { shard: `${shard.index}/${shard.count}`, inShard: n.inShard } : {}),
      upToDate: n.upToDate,
      labelled: n.labelled,
      textsComputed: n.textsComputed,
      copied: n.copied,
      // Posts read per window (at most `chunkPosts`): the texts held at once.
      windows: n.windows,
      largestWindow: n.largestWindow,
      filesWritten,
      device,
      modelsChanged,
      models: labelledWith.map((m) => `${m.task}=${m.model}`),
    },
    lines,
  };
}
