/**
 * Benchmark of the NLP step: posts per second (and per core) by batch size, length-sorted
 * vs unsorted batches, int8 vs fp32 weights, intra-op threads vs worker threads, against
 * the naive one-post-at-a-time loop — all in one run, on the tiny models by default and on
 * the real ones too when PULSE_MODELS_DIR holds them. Not a test: it prints a table.
 *
 *   npx tsx tools/bench/enrich/main.ts [--posts 1024] [--real-posts 96] [--repeat 3]
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nlpSchema, type NlpConfig } from '@social-pulse/config';
import { listModels, resolveModelsDir } from '@social-pulse/nlp';
import { tinyNlpConfig, buildTinyModels } from '@social-pulse/nlp/testing';
import { corpus, meanWords, type BenchPost } from './corpus.ts';
import { formatTable, measure, type Measurement, type Scenario } from './measure.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} expects a positive integer`);
  return v;
}

const cores = os.availableParallelism();

function scenarios(base: (o: Record<string, unknown>) => NlpConfig, batchSizes: number[], withFp32: boolean): Scenario[] {
  const best = 32;
  const list: Scenario[] = [
    { name: 'one post at a time', config: base({ batchSize: 1 }), threads: cores, oneAtATime: true },
    ...batchSizes.map((b) => ({ name: `batch ${b}`, config: base({ batchSize: b }), threads: cores })),
    { name: `batch ${best}, unsorted`, config: base({ batchSize: best }), threads: cores, sorted: false },
  ];
  if (withFp32) list.push({ name: `batch ${best}, fp32`, config: base({ batchSize: best, dtype: 'fp32' }), threads: cores });
  list.push({ name: `batch ${best}, 1 thread`, config: base({ batchSize: best }), threads: 1 });
  if (cores > 1) list.push({ name: `batch ${best}, ${cores} workers`, config: base({ batchSize: best }), threads: 1, workers: cores });
  return list;
}

async function run(title: string, list: Scenario[], posts: BenchPost[], naivePosts: BenchPost[]): Promise<Measurement[]> {
  console.log(`\n${title}: ${posts.length} posts, ${meanWords(posts).toFixed(0)} words on average, ${cores} cores`);
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
  const sorted = by('batch 32');
  const ratio = (a?: Measurement, b?: Measurement) => (a && b ? `${(a.postsPerSecond / b.postsPerSecond).toFixed(2)}×` : 'n/a');
  console.log(
    `summary (${title}): fastest "${fastest.scenario.name}" ${fastest.postsPerSecond.toFixed(1)} posts/s ` +
      `(${fastest.perCore.toFixed(1)}/core), ${ratio(fastest, rows[0])} the one-at-a-time loop; ` +
      `sorted vs unsorted ${ratio(sorted, by('batch 32, unsorted'))}; q8 vs fp32 ${ratio(sorted, by('batch 32, fp32'))}; ` +
      `${cores} threads vs 1 ${ratio(sorted, by('batch 32, 1 thread'))}; ` +
      `1 process × ${cores} threads vs ${cores} workers × 1 ${ratio(sorted, by(`batch 32, ${cores} workers`))}`,
  );
  return rows;
}

const nPosts = arg('posts', 1024);
const nReal = arg('real-posts', 96);
const repeat = arg('repeat', 3);

const tinyDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bench-tiny-'));
await buildTinyModels(tinyDir);
const posts = corpus(nPosts);
await run(
  'tiny models (framework overhead: tokenization, batching, tensors, ONNX Runtime calls)',
  scenarios((o) => tinyNlpConfig(tinyDir, { threads: 0, ...o }), [1, 8, 16, 32, 64], true),
  posts,
  posts.slice(0, Math.min(256, posts.length)),
);

const modelsDir = resolveModelsDir({}, process.env);
const realBase = (o: Record<string, unknown>) => nlpSchema.parse({ modelsDir, ...o });
const status = modelsDir ? await listModels(realBase({}), { env: process.env }) : [];
if (!modelsDir) {
  console.log('\nreal models: skipped (set PULSE_MODELS_DIR to a folder holding the default models; `pulse models pull` fills one)');
} else if (!status.every((m) => m.present)) {
  console.log(
    `\nreal models: skipped, not all in ${modelsDir}: ` +
      status.filter((m) => !m.present).map((m) => `${m.id} (missing ${m.missing.join(', ')})`).join('; '),
  );
} else {
  const fp32 = (await listModels(realBase({ dtype: 'fp32' }), { env: process.env })).every((m) => m.present);
  const real = corpus(nReal, 99);
  await run('real models (default configuration)', scenarios(realBase, [8, 16, 32], fp32), real, real.slice(0, Math.min(32, real.length)));
}
