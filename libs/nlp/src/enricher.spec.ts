import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_TYPES, SENTIMENTS } from '@social-pulse/schema';
import { createEnricher, type Enricher, type EnrichProgress } from './enricher.ts';
import { DEFAULT_MODELS, type NlpLogger } from './models.ts';
import { withTinyModels, type NlpConfigInput } from './testing/index.ts';

let tiny: Awaited<ReturnType<typeof withTinyModels>>;
const open: Enricher[] = [];
const NOW = new Date('2026-11-24T12:00:00Z');
const T = '2026-11-24T10:00:00.000Z';

async function enricher(overrides: NlpConfigInput = {}, opts: { log?: NlpLogger; sortByLength?: boolean } = {}) {
  const e = await createEnricher(tiny.config(overrides), { now: () => NOW, ...opts, env: {} });
  open.push(e);
  return e;
}

beforeAll(async () => {
  tiny = await withTinyModels();
});
afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
});

describe('enricher on tiny models', () => {
  it('returns rows of the post_nlp shape', async () => {
    const e = await enricher();
    const [row] = await e.enrich([{ post_id: 'x:1', created_at: T, text: 'Kafka streaming into Snowflake is great' }]);
    expect(Object.keys(row!).sort()).toEqual(
      ['created_at', 'entities', 'enriched_at', 'models', 'post_id', 'sentiment', 'sentiment_score', 'text_hash', 'topics'].sort(),
    );
    expect(row!.post_id).toBe('x:1');
    expect(row!.enriched_at).toBe('2026-11-24T12:00:00.000Z');
    expect(row!.models).toEqual(e.models);
    expect(row!.models.map((m) => m.task)).toEqual(['topics', 'entities', 'sentiment']);
    for (const ent of row!.entities) expect(ENTITY_TYPES).toContain(ent.type);
    expect(SENTIMENTS).toContain(row!.sentiment);
    expect(e.device).toBe('cpu');
  });

  it('labels topics multi-label, above the threshold only', async () => {
    const e = await enricher();
    const rows = await e.enrich([
      { post_id: '1', created_at: T, text: 'Kafka and Flink for realtime streams' },
      { post_id: '2', created_at: T, text: 'Our Airflow DAG loads Kafka streams' },
      { post_id: '3', created_at: T, text: 'nothing to see here' },
    ]);
    expect(rows[0]!.topics).toEqual([{ label: 'streaming', score: expect.closeTo(0.982, 3) }]);
    // Two concepts: each label's entailment is scored on its own (multi_label), both pass.
    expect(rows[1]!.topics.map((t) => t.label).sort()).toEqual(['orchestration', 'streaming']);
    expect(rows[1]!.topics[0]!.score).toBeGreaterThan(0.8);
    expect(rows[2]!.topics).toEqual([]);
    // Mostly orchestration: streaming scores about 0.4, so the threshold decides.
    const text = [{ post_id: '4', created_at: T, text: 'Airflow DAG and Kafka' }];
    const [strict] = await e.enrich(text);
    expect(strict!.topics).toEqual([{ label: 'orchestration', score: expect.closeTo(0.959, 2) }]);
    const [lenient] = await (await enricher({ topics: { threshold: 0.3 } })).enrich(text);
    expect(lenient!.topics.map((t) => t.label)).toEqual(['orchestration', 'streaming']);
  });

  it('scores only the configured labels, with their own names', async () => {
    const e = await enricher({ topics: { labels: ['Data Quality', 'careers'], maxTopics: 1 } });
    const [r] = await e.enrich([{ post_id: '1', created_at: T, text: 'hiring for a job with validation tests and freshness checks' }]);
    expect(r!.topics).toEqual([{ label: 'Data Quality', score: expect.any(Number) }]);
  });

  it('labels topics with a tweet-topic classifier (sigmoid per label)', async () => {
    const e = await enricher({ topics: { mode: 'classifier', model: tiny.ids.tweetTopic } });
    const rows = await e.enrich([
      { post_id: '1', created_at: T, text: 'Kafka and Python' },
      { post_id: '2', created_at: T, text: 'football and pizza' },
    ]);
    expect(rows[0]!.topics).toEqual([{ label: 'science & technology', score: expect.closeTo(0.9526, 3) }]);
    expect(rows[1]!.topics.map((t) => t.label).sort()).toEqual(['food & dining', 'sports']);
  });

  it('finds entities with the model and the dictionary, merged, as written', async () => {
    const e = await enricher();
    const [r] = await e.enrich([
      { post_id: '1', created_at: T, text: 'Ada Lovelace left London for SNOWFLAKE; kafka and pyspark, a German view' },
    ]);
    expect(r!.entities).toEqual([
      { type: 'person', text: 'Ada Lovelace', score: expect.closeTo(0.9973, 3) },
      { type: 'location', text: 'London', score: expect.closeTo(0.9973, 3) },
      { type: 'corporation', text: 'Snowflake', score: 1 },
      { type: 'product', text: 'Kafka', score: 1 },
      { type: 'product', text: 'Spark', score: 1 },
    ]);
  });

  it('maps tweet-ner7 labels 1:1 and takes dictionary additions and label overrides', async () => {
    const e = await enricher({
      entities: { model: tiny.ids.tweetNer, dictionary: [{ name: 'Pulse', type: 'product', aliases: ['social-pulse'] }] },
    });
    const [r] = await e.enrich([{ post_id: '1', created_at: T, text: 'joe reis in berlin on social-pulse, German' }]);
    expect(r!.entities).toEqual([
      { type: 'person', text: 'joe reis', score: expect.any(Number) },
      { type: 'location', text: 'berlin', score: expect.any(Number) },
      { type: 'product', text: 'Pulse', score: 1 },
      { type: 'event', text: 'German', score: expect.any(Number) },
    ]);
    const conll = await enricher({ entities: { labelMap: { MISC: 'group' }, builtinDictionary: false } });
    const [c] = await conll.enrich([{ post_id: '1', created_at: T, text: 'German Kafka' }]);
    expect(c!.entities).toEqual([
      { type: 'group', text: 'German', score: expect.any(Number) },
      { type: 'person', text: 'Kafka', score: expect.any(Number) },
    ]);
  });

  it('maps sentiment labels by name or by LABEL_n', async () => {
    for (const model of [tiny.ids.sentiment, tiny.ids.sentimentLabelIds]) {
      const e = await enricher({ sentiment: { model } });
      const rows = await e.enrich([
        { post_id: '1', created_at: T, text: 'dbt is great, love it' },
        { post_id: '2', created_at: T, text: 'the pipeline is broken and slow' },
        { post_id: '3', created_at: T, text: 'we use dbt' },
      ]);
      expect(rows.map((r) => r.sentiment)).toEqual(['positive', 'negative', 'neutral']);
      expect(rows[0]!.sentiment_score).toBeCloseTo(0.9503, 3);
    }
  });

  it('prepares text before hashing and labelling, and leaves empty posts unlabelled', async () => {
    const e = await enricher();
    const rows = await e.enrich([
      { post_id: '1', created_at: T, text: '@alice   great https://t.co/x' },
      { post_id: '2', created_at: T, text: '@bob great http://example.com' },
      { post_id: '3', created_at: T, text: 'https://only.a/link' },
      { post_id: '4', created_at: T, title: 'Kafka', text: 'streams' },
    ]);
    expect(rows[0]!.text_hash).toBe(rows[1]!.text_hash);
    expect(rows[2]).toMatchObject({ topics: [], entities: [], sentiment: null, sentiment_score: null });
    expect(rows[3]!.topics[0]!.label).toBe('streaming');
    expect(e.stats().textsComputed).toBe(2);
  });

  it('computes identical texts once and remembers them across calls', async () => {
    const e = await enricher();
    const items = Array.from({ length: 6 }, (_, i) => ({ post_id: `p${i}`, created_at: T, text: i % 2 ? 'Kafka is great' : 'dbt is slow' }));
    const rows = await e.enrich(items);
    expect(e.stats()).toEqual({ textsComputed: 2, postsLabelled: 6, cacheHits: 0 });
    expect(rows.map((r) => r.post_id)).toEqual(items.map((i) => i.post_id));
    expect(rows[1]!.topics).toEqual(rows[3]!.topics);
    await e.enrich([{ post_id: 'p9', created_at: T, text: 'Kafka is great' }]);
    expect(e.stats()).toEqual({ textsComputed: 2, postsLabelled: 7, cacheHits: 1 });
  });

  it('relabels when a model version changes', async () => {
    const a = await enricher();
    const b = await enricher({ sentiment: { model: tiny.ids.sentimentLabelIds } });
    const item = { post_id: '1', created_at: T, text: 'Kafka is great' };
    const [ra] = await a.enrich([item]);
    const [rb] = await b.enrich([item]);
    expect(rb!.text_hash).not.toBe(ra!.text_hash);
    expect(b.plan([item], [{ post_id: '1', text_hash: ra!.text_hash }]).todo).toEqual([item]);
    expect(a.plan([item], [{ post_id: '1', text_hash: ra!.text_hash }]).upToDate).toBe(1);
  });

  it('keeps output aligned with input whatever the batch order', async () => {
    const words = ['kafka', 'dbt', 'airflow', 'great', 'broken', 'snowflake', 'london', 'data'];
    const items = Array.from({ length: 37 }, (_, i) => ({
      post_id: `p${i}`,
      created_at: T,
      text: Array.from({ length: 1 + ((i * 7) % 23) }, (_, k) => words[(i + k) % words.length]).join(' '),
    }));
    const sorted = await enricher({ batchSize: 4 });
    const unsorted = await enricher({ batchSize: 4 }, { sortByLength: false });
    const a = await sorted.enrich(items);
    const b = await unsorted.enrich(items);
    expect(a.map((r) => r.post_id)).toEqual(items.map((i) => i.post_id));
    expect(a).toEqual(b);
    // Each row is what the post gets when labelled alone.
    const alone = await enricher();
    for (const k of [0, 5, 17, 36]) expect((await alone.enrich([items[k]!]))[0]).toEqual(a[k]);
  });

  it('reports progress in posts, with rate and ETA', async () => {
    const e = await enricher({ batchSize: 2 });
    const seen: EnrichProgress[] = [];
    const items = Array.from({ length: 7 }, (_, i) => ({ post_id: `p${i}`, created_at: T, text: i === 6 ? 'https://x.y' : `kafka number ${i % 5}` }));
    await e.enrich(items, (p) => seen.push(p));
    expect(seen[0]).toMatchObject({ done: 1, total: 7 });
    expect(seen.at(-1)).toMatchObject({ done: 7, total: 7, etaMs: 0 });
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((x, y) => x - y));
    expect(seen.at(-1)!.rate).toBeGreaterThan(0);
  });

  it('truncates long texts safely, keeping the zero-shot hypothesis', async () => {
    const e = await enricher({ maxTokens: 32 });
    const long = `kafka streams ${'data pipeline '.repeat(40)} airflow`;
    const [r] = await e.enrich([{ post_id: '1', created_at: T, text: long }]);
    // The premise is cut to fit 32 tokens with its hypothesis: streaming is still entailed,
    // while airflow (token 83) is beyond the limit.
    expect(r!.topics.map((t) => t.label)).toEqual(['streaming']);
    // The dictionary reads the whole text, beyond the model's token limit.
    expect(r!.entities.map((x) => x.text)).toEqual(['Kafka', 'Airflow']);
    const [capped] = await (await enricher({ maxChars: 100 })).enrich([{ post_id: '1', created_at: T, text: long }]);
    expect(capped!.entities.map((x) => x.text)).toEqual(['Kafka']);
    const [huge] = await e.enrich([{ post_id: '2', created_at: T, text: 'kafka '.repeat(50_000) }]);
    expect(huge!.topics[0]!.label).toBe('streaming');
  });

  it('gives the same labels with fp32 and q8 weights', async () => {
    const items = [{ post_id: '1', created_at: T, text: 'Ada Lovelace says Kafka streaming is great' }];
    const [q8] = await (await enricher({ dtype: 'q8' })).enrich(items);
    const [fp32] = await (await enricher({ dtype: 'fp32' })).enrich(items);
    expect(fp32!.topics.map((t) => t.label)).toEqual(q8!.topics.map((t) => t.label));
    expect(fp32!.entities.map((t) => t.text)).toEqual(q8!.entities.map((t) => t.text));
    expect(fp32!.sentiment).toBe(q8!.sentiment);
    expect(fp32!.models[0]!.model).toMatch(/ fp32 #/);
  });

  it('runs only the enabled tasks', async () => {
    const e = await enricher({ topics: { enabled: false }, entities: { enabled: false } });
    expect(e.models.map((m) => m.task)).toEqual(['sentiment']);
    const [r] = await e.enrich([{ post_id: '1', created_at: T, text: 'Kafka is great' }]);
    expect(r).toMatchObject({ topics: [], entities: [], sentiment: 'positive' });
  });

  it('falls back to the CPU with one line when device is auto and CUDA is absent', async () => {
    const lines: string[] = [];
    const log: NlpLogger = { info: (m) => lines.push(m), warn: (m) => lines.push(m) };
    const e = await enricher({ device: 'auto' }, { log });
    expect(e.device).toBe('cpu');
    expect(lines.filter((l) => /CUDA/.test(l))).toHaveLength(1);
    await expect(createEnricher(tiny.config({ device: 'cuda' }), { env: {} })).rejects.toThrow(/CUDA provider is not installed/);
  });

  it('says which model is missing and how to get it', async () => {
    await expect(createEnricher(tiny.config({ sentiment: { model: 'nobody/no-such-model' } }), { env: {} })).rejects.toThrow(
      /model nobody\/no-such-model \(sentiment\) is not in .*missing config\.json.*pulse models pull/,
    );
    await expect(createEnricher(tiny.config({ topics: { model: tiny.ids.sentiment } }), { env: {} })).rejects.toThrow(/is not an NLI model/);
  });

  it('suggests an NLI model other than the one that failed', async () => {
    // A sentiment model where the default zero-shot model is expected.
    await cp(path.join(tiny.dir, tiny.ids.sentiment), path.join(tiny.dir, DEFAULT_MODELS.topicsZeroShot), { recursive: true });
    const failure = await createEnricher(tiny.config({ topics: { model: DEFAULT_MODELS.topicsZeroShot } }), { env: {} }).then(
      () => new Error('loaded'),
      (e: unknown) => e as Error,
    );
    expect(failure.message).toMatch(/Xenova\/distilbert-base-uncased-mnli is not an NLI model .* \(e\.g\. [^)]+\)/);
    expect(failure.message.split(DEFAULT_MODELS.topicsZeroShot)).toHaveLength(2);
  });

  it('warns once per entity label that maps to no entity type, and drops its tokens', async () => {
    // The tiny CoNLL model with ORG renamed to a label no map knows.
    const folder = path.join(tiny.dir, 'pulse-tiny/ner-company');
    await cp(path.join(tiny.dir, tiny.ids.ner), folder, { recursive: true });
    const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8')) as { id2label: Record<string, string>; label2id: Record<string, number> };
    const rename = (l: string) => l.replace(/-ORG$/, '-company');
    config.id2label = Object.fromEntries(Object.entries(config.id2label).map(([k, v]) => [k, rename(v)]));
    config.label2id = Object.fromEntries(Object.entries(config.label2id).map(([k, v]) => [rename(k), v]));
    await writeFile(path.join(folder, 'config.json'), JSON.stringify(config));
    const warnings: string[] = [];
    const log: NlpLogger = { info() {}, warn: (m) => warnings.push(m) };
    const e = await enricher({ entities: { model: 'pulse-tiny/ner-company', builtinDictionary: false } }, { log });
    const rows = await e.enrich([
      { post_id: '1', created_at: T, text: 'google and microsoft in berlin, a german view' },
      { post_id: '2', created_at: T, text: 'databricks hires ada lovelace' },
    ]);
    await e.enrich([{ post_id: '3', created_at: T, text: 'google again' }]);
    expect(rows[0]!.entities.map((x) => x.text)).toEqual(['berlin']);
    expect(rows[1]!.entities.map((x) => x.text)).toEqual(['ada lovelace']);
    // company: once, naming the fix; MISC is dropped on purpose (the default map says so): no warning.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/entities: pulse-tiny\/ner-company tags company, which maps to no entity type: those tokens are dropped.*nlp\.entities\.labelMap/);
  });

  it('names every model that cannot be loaded, not only the first, and says how to fix it once', async () => {
    const err = await createEnricher(tiny.config({ topics: { model: 'nobody/no-topics' }, sentiment: { model: 'nobody/no-sentiment' } }), { env: {} }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^model nobody\/no-topics \(topics\) is not in .*missing config\.json.*; model nobody\/no-sentiment \(sentiment\) is not in /);
    expect(err?.message.match(/pulse models pull/g)).toHaveLength(1);
  });
});
