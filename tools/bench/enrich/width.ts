/**
 * Section 4 of the enrich benchmark: the three tasks at a real model's width (roberta-shape.ts),
 * one post at a time vs sorted batches, per core, beside the original project's rate, and the
 * cost per million posts that the measured rate gives on a Cloud Batch machine.
 */
import type { NlpConfig } from '@social-pulse/config';
import { tinyNlpConfig, type NlpConfigInput } from '@social-pulse/nlp/testing';
import { corpus, meanWords, OTHER_WORDS, TOPIC_WORDS } from './corpus.ts';
import { formatTable, measure, type Measurement, type Scenario } from './measure.ts';
import { buildRobertaShapeModels, ROBERTA_SHAPE } from './roberta-shape.ts';

/** The original project's rate for topic + NER: about 0.8 posts/s per vCPU (issue 20). */
export const ORIGINAL_POSTS_PER_VCPU = 0.8;

/**
 * The machine the cost is given for, and its on-demand list price in us-central1: N2 at
 * $0.031611 per vCPU-hour and $0.004237 per GB-hour (cloud.google.com/compute/vm-instance-pricing,
 * "N2 standard machine types", as listed when this was written; check it before relying on it).
 */
export const COST_MACHINE = { type: 'n2-standard-8', vcpus: 8, dollarsPerHour: 8 * 0.031611 + 32 * 0.004237 } as const;

/** Six zero-shot labels, as the issue asks ("zero-shot over 6 labels"). */
const SIX_LABELS = ['streaming', 'orchestration', 'quality', 'warehouse', 'cost', 'careers'];

const BATCH = 16; // nlp.batchSize's default

export interface WidthOptions {
  /** Posts per batched run of sentiment, entities and the combinations. */
  posts: number;
  /** Posts per batched run of zero-shot topics alone (6 passes each). */
  topicPosts: number;
  cores: number;
  /** Runs per scenario; the fastest is kept (the one least slowed by other work on the machine). */
  repeat: number;
  /** nlp.device for every scenario: cpu (the default), or cuda on a GPU machine. */
  device?: 'cpu' | 'cuda';
  /** Fewer layers than roberta-base's 12, only to try the benchmark out quickly. */
  layers?: number;
}

export async function widthSection(dir: string, o: WidthOptions): Promise<void> {
  const words = [...TOPIC_WORDS, ...OTHER_WORDS].map((w) => w.toLowerCase());
  const built = Date.now();
  const shape = { ...ROBERTA_SHAPE, layers: o.layers ?? ROBERTA_SHAPE.layers };
  const ids = await buildRobertaShapeModels(dir, words, shape);
  const buildSeconds = (Date.now() - built) / 1000;
  const only = (tasks: ('topics' | 'entities' | 'sentiment')[], over: NlpConfigInput = {}): NlpConfig =>
    tinyNlpConfig(dir, {
      threads: 0,
      batchSize: BATCH,
      device: o.device ?? 'cpu',
      ...over,
      topics: { enabled: tasks.includes('topics'), model: ids.nli, labels: SIX_LABELS },
      entities: { enabled: tasks.includes('entities'), model: ids.ner },
      sentiment: { enabled: tasks.includes('sentiment'), model: ids.sentiment },
    });
  const posts = corpus(o.posts, 21);
  const topicPosts = posts.slice(0, o.topicPosts);
  const { layers, hidden, heads, ffn } = shape;
  console.log(
    `\n4. roberta-base shape: ${layers} layers, ${hidden} wide, ${heads} heads, feed-forward ${ffn}, int8 (dynamic quantization), random weights; ` +
      `zero-shot topics over ${SIX_LABELS.length} labels; nlp.maxTokens 128; device ${o.device ?? 'cpu'}; built in ${buildSeconds.toFixed(0)} s\n` +
      `${posts.length} posts (${meanWords(posts).toFixed(0)} words on average), ${o.cores} cores, the fastest of ${o.repeat} runs each; one at a time and batched label the same posts`,
  );
  const threads = o.cores;
  const s = (name: string, config: NlpConfig, extra: Partial<Scenario> = {}): Scenario => ({ name, config, threads, ...extra });
  const plan: [Scenario, typeof posts][] = [
    [s('sentiment, one post at a time', only(['sentiment'], { batchSize: 1 }), { oneAtATime: true }), posts],
    [s(`sentiment, batch ${BATCH} sorted`, only(['sentiment'])), posts],
    [s(`sentiment, batch ${BATCH} unsorted`, only(['sentiment']), { sorted: false }), posts],
    [s('topics (6 labels), one post at a time', only(['topics'], { batchSize: 1 }), { oneAtATime: true }), topicPosts],
    [s(`topics (6 labels), batch ${BATCH} sorted`, only(['topics'])), topicPosts],
    [s(`topics (6 labels), batch ${BATCH} unsorted`, only(['topics']), { sorted: false }), topicPosts],
    [s('entities, one post at a time', only(['entities'], { batchSize: 1 }), { oneAtATime: true }), posts],
    [s(`entities, batch ${BATCH} sorted`, only(['entities'])), posts],
    [s(`entities, batch ${BATCH} unsorted`, only(['entities']), { sorted: false }), posts],
    [s(`topics + entities, batch ${BATCH} sorted`, only(['topics', 'entities'])), topicPosts],
    [s(`all three, batch ${BATCH} sorted`, only(['topics', 'entities', 'sentiment'])), topicPosts],
  ];
  const warmup = corpus(4, 7).map((p) => ({ ...p, post_id: `warmup:${p.post_id}` }));
  const rows: Measurement[] = [];
  for (const [scenario, list] of plan) {
    const m = await measure(scenario, list, warmup, o.repeat, 'best');
    rows.push(m);
    process.stderr.write(`  ${scenario.name}: ${m.postsPerSecond.toFixed(2)} posts/s\n`);
  }
  console.log(formatTable(rows, undefined));
  const by = (name: string) => rows.find((r) => r.scenario.name === name)!;
  const perCore = (m: Measurement) => `${m.perCore.toFixed(2)}/core`;
  for (const task of ['sentiment', 'topics (6 labels)', 'entities']) {
    const one = by(`${task}, one post at a time`);
    const sorted = by(`${task}, batch ${BATCH} sorted`);
    const unsorted = by(`${task}, batch ${BATCH} unsorted`);
    console.log(
      `${task}: one at a time ${perCore(one)}, batch ${BATCH} sorted ${perCore(sorted)} = ${(sorted.postsPerSecond / one.postsPerSecond).toFixed(2)}× one at a time, ` +
        `${(sorted.postsPerSecond / unsorted.postsPerSecond).toFixed(2)}× unsorted`,
    );
  }
  const te = by(`topics + entities, batch ${BATCH} sorted`);
  console.log(
    `topics + entities: ${te.perCore.toFixed(2)} posts/s per core vs the original project's ~${ORIGINAL_POSTS_PER_VCPU} per vCPU = ` +
      `${(te.perCore / ORIGINAL_POSTS_PER_VCPU).toFixed(2)}× (its models, labels and posts differ from these)`,
  );
  const all = by(`all three, batch ${BATCH} sorted`);
  const hours = 1e6 / (all.perCore * COST_MACHINE.vcpus) / 3600;
  console.log(
    `cost: all three tasks at ${all.perCore.toFixed(2)} posts/s per core → ${COST_MACHINE.type} (${COST_MACHINE.vcpus} vCPU, ` +
      `$${COST_MACHINE.dollarsPerHour.toFixed(4)}/h on demand, us-central1) labels 1M posts in ${hours.toFixed(1)} h = ` +
      `$${(hours * COST_MACHINE.dollarsPerHour).toFixed(2)} per million posts (if one of its vCPUs labels as fast as one core here)`,
  );
}
