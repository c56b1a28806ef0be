/**
 * Benchmark of the NLP step: posts per second (and per core) by batch size, length-sorted
 * vs unsorted batches, int8 vs fp32 weights, intra-op threads vs worker threads, against
 * the naive one-post-at-a-time loop — all in one run, on three model sets:
 *
 * 1. the tiny test models, all three tasks: what the framework itself costs (tokenizing,
 *    batching, tensors, ONNX Runtime calls, entity grouping), since they compute almost nothing;
 * 2. a synthetic encoder with BERT-base-width feed-forward layers and random weights (one
 *    task): compute-bound like a real model, so batching, sorting, int8 and threads show;
 * 3. the real default models, when PULSE_MODELS_DIR holds them (`pulse models pull`);
 * 4. three synthetic models of roberta-base's shape (12 layers, 768 wide, 12 heads, int8, random
 *    weights; roberta-shape.ts): posts/s per core for sentiment, zero-shot topics over 6 labels
 *    and entities, one post at a time vs sorted batches, all three tasks together, printed
 *    beside the original project's rate (about 0.8 posts/s per vCPU for topic + NER) and turned
 *    into a cost per million posts on a Cloud Batch machine at its on-demand price.
 *
 * Not a test: it prints tables and one summary line per model set. `--sections 4` runs only
 * the roberta-shaped part (the others take minutes on a small machine).
 *
 *   npx tsx tools/bench/enrich/main.ts [--sections 1,2,3,4] [--posts 1024] [--synthetic-posts 256] [--real-posts 96] [--repeat 3] [--layers 4]
 *                                      [--width-posts 48] [--width-topic-posts 24] [--width-layers 12] [--width-repeat 3] [--width-device cpu|cuda]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nlpSchema, type NlpConfig } from '@social-pulse/config';
import { listModels, resolveModelsDir } from '@social-pulse/nlp';
import { buildTinyModels, tinyNlpConfig, type NlpConfigInput } from '@social-pulse/nlp/testing';
import { corpus, meanWords, OTHER_WORDS, TOPIC_WORDS, type BenchPost } from './corpus.ts';
import { formatTable, measure, type Measurement, type Scenario } from './measure.ts';
import { buildSyntheticModel } from './synthetic-model.ts';
import { widthSection } from './width.ts';
import { parseCount } from '../../generate/count.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? parseCount(process.argv[i + 1] ?? '', name) : fallback;
  if (v <= 0) throw new Error(`--${name} expects a positive number such as 1000, 100k or 1m`);
  return v;
}

const cores = os.availableParallelism();
const BEST = 32;

/** The scenarios of one model set; `base` turns overrides into a full configuration. */
function scenarios(base: (o: NlpConfigInput) => NlpConfig, batchSizes: number[], withFp32: boolean): Scenario[] {
  const list: Scenario[] = [
    { name: 'one post at a time', config: base({ batchSize: 1 }), threads: cores, oneAtATime: true },
    ...batchSizes.map((b) => ({ name: `batch ${b}`, config: base({ batchSize: b }), threads: cores })),
    { name: `batch ${BEST}, unsorted`, config: base({ batchSize: BEST }), threads: cores, sorted: false },
  ];
  if (withFp32) list.push({ name: `batch ${BEST}, fp32`, config: base({ batchSize: BEST, dtype: 'fp32' }), threads: cores });
  if (cores > 1) {
    list.push({ name: `batch ${BEST}, 1 thread`, config: base({ batchSize: BEST }), threads: 1 });
    list.push({ name: `batch ${BEST}, ${cores} workers`, config: base({ batchSize: BEST }), threads: 1, workers: cores });
  }
  return list;
}

async function run(title: string, list: Scenario[], posts: BenchPost[], naivePosts: BenchPost[], repeat: number): Promise<void> {
  console.log(`\n${title}\n${posts.length} posts (${meanWords(posts).toFixed(0)} words on average), ${cores} cores, median of ${repeat} runs`);
  const warmup = corpus(8, 7).map((p) => ({ ...p, post_id: `warmup:${p.post_id}` }));
  const rows: Measurement[] = [];
  for (const s of list) {
    const m = await measure(s, s.oneAtATime ? naivePosts : posts, warmup, repeat);
    rows.push(m);
    process.stderr.write(`  ${s.name}: ${m.postsPerSecond.toFixed(1)} posts/s\n`);
  }
  console.log(formatTable(rows, rows[0]));
  const by = (name: string) => rows.find((r) => r.scenario.name === name);
  const fastest = rows.reduce((a, b) => (b.postsPerSecond > a.postsPerSecond ? b : a));
  const best = by(`batch ${BEST}`);
  const ratio = (a?: Measurement, b?: Measurement) => (a && b ? `${(a.postsPerSecond / b.postsPerSecond).toFixed(2)}×` : 'n/a');
  console.log(
    `summary: fastest "${fastest.scenario.name}" ${fastest.postsPerSecond.toFixed(1)} posts/s ` +
      `(${fastest.perCore.toFixed(1)}/core) = ${ratio(fastest, rows[0])} the one-at-a-time loop; at batch ${BEST}: ` +
      `sorted/unsorted ${ratio(best, by(`batch ${BEST}, unsorted`))}, q8/fp32 ${ratio(best, by(`batch ${BEST}, fp32`))}, ` +
      `${cores} threads/1 ${ratio(best, by(`batch ${BEST}, 1 thread`))}, ` +
      `1 process×${cores} threads / ${cores} workers×1 ${ratio(best, by(`batch ${BEST}, ${cores} workers`))}`,
  );
}

function widthDevice(): 'cpu' | 'cuda' {
  const i = process.argv.indexOf('--width-device');
  const v = i >= 0 ? process.argv[i + 1] : 'cpu';
  if (v !== 'cpu' && v !== 'cuda') throw new Error('--width-device expects cpu or cuda');
  return v;
}

const repeat = arg('repeat', 3);
const sectionsArg = process.argv.indexOf('--sections');
const sections = new Set((sectionsArg >= 0 ? (process.argv[sectionsArg + 1] ?? '') : '1,2,3,4').split(',').map((x) => Number(x.trim())));
if (![...sections].every((n) => [1, 2, 3, 4].includes(n))) throw new Error('--sections expects a comma-separated list of 1, 2, 3 and 4');
const dirs: string[] = [];
try {
  if (sections.has(1)) await tinySection();
  if (sections.has(2)) await syntheticSection();
  if (sections.has(3)) await realSection();
  if (sections.has(4)) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bench-width-'));
    dirs.push(dir);
    await widthSection(dir, {
      posts: arg('width-posts', 48),
      topicPosts: arg('width-topic-posts', 24),
      cores,
      layers: arg('width-layers', 12),
      repeat: arg('width-repeat', 3),
      device: widthDevice(),
    });
  }
} finally {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

async function tinySection(): Promise<void> {
  // 1. Tiny models, every task.
  const tinyDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bench-tiny-'));
  dirs.push(tinyDir);
  await buildTinyModels(tinyDir);
  const posts = corpus(arg('posts', 1024));
  await run(
    '1. tiny models, topics + entities + sentiment (framework overhead; they compute almost nothing)',
    scenarios((o) => tinyNlpConfig(tinyDir, { threads: 0, ...o }), [1, 8, 16, 32, 64], true),
    posts,
    posts.slice(0, 256),
    repeat,
  );
}

async function syntheticSection(): Promise<void> {
  // 2. A compute-bound synthetic encoder, one task.
  const layers = arg('layers', 4);
  const synDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bench-synthetic-'));
  dirs.push(synDir);
  const words = [...TOPIC_WORDS, ...OTHER_WORDS].map((w) => w.toLowerCase());
  const synId = await buildSyntheticModel(synDir, words, { hidden: 768, ffn: 3072, layers });
  const synPosts = corpus(arg('synthetic-posts', 256), 5);
  await run(
    `2. synthetic encoder, ${layers} feed-forward layers 768→3072→768, random weights, one task (compute-bound like a real model)`,
    scenarios(
      (o) => tinyNlpConfig(synDir, { threads: 0, topics: { enabled: false }, entities: { enabled: false }, sentiment: { model: synId }, ...o }),
      [1, 8, 16, 32, 64],
      true,
    ),
    synPosts,
    synPosts.slice(0, 64),
    repeat,
  );
}

async function realSection(): Promise<void> {
  // 3. The real default models, when present.
  const modelsDir = resolveModelsDir({}, process.env);
  const realBase = (o: NlpConfigInput) => nlpSchema.parse({ modelsDir, ...o });
  const status = modelsDir ? await listModels(realBase({}), { env: process.env }) : [];
  if (!modelsDir) {
    console.log('\n3. real models: skipped (set PULSE_MODELS_DIR to a folder holding the default models; `pulse models pull` fills one)');
  } else if (!status.every((m) => m.present)) {
    const missing = status.filter((m) => !m.present).map((m) => `${m.id} (missing ${m.missing.join(', ')})`);
    console.log(`\n3. real models: skipped, not all in ${modelsDir}: ${missing.join('; ')}`);
  } else {
    const fp32 = (await listModels(realBase({ dtype: 'fp32' }), { env: process.env })).every((m) => m.present);
    const real = corpus(arg('real-posts', 96), 99);
    await run(
      `3. real models: ${status.map((m) => m.id).join(', ')}`,
      scenarios(realBase, [8, 16, 32], fp32),
      real,
      real.slice(0, 32),
      1,
    );
  }
}
