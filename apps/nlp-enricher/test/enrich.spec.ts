import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '@social-pulse/config';
import { LocalStore, StateError, mergePosts, nlpFiles, readNlpRows } from '@social-pulse/lake';
import { withTinyModels, type NlpConfigInput, type TinyModels } from '@social-pulse/nlp/testing';
import type { StepContext } from '@social-pulse/pipeline';
import { createLogger } from '@social-pulse/runtime';
import type { Post, PostNlp } from '@social-pulse/schema';
import { enrich, type EnrichOptions } from '../src/enrich.ts';

let tiny: TinyModels;
beforeAll(async () => {
  tiny = await withTinyModels();
});

const post = (id: string, text: string, over: Partial<Post> = {}): Post => ({
  post_id: `mastodon:${id}`, source: 'mastodon', native_id: id, url: `https://mastodon.social/@a/${id}`,
  kind: 'post', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
  author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
  lang: 'en', title: null, text, like_count: 1, repost_count: 0, reply_count: 0, quote_count: null,
  score: null, hashtags: [], mentions: [], links: [], queries: ['q'], extra: null, ...over,
});

/** A workspace with a lake and a configuration that uses the tiny models (the nlp section as in pulse.config.yaml). */
async function setup(nlp: NlpConfigInput = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-enrich-'));
  const lake = new LocalStore(path.join(dir, 'lake'));
  const section = (over: NlpConfigInput = {}) => ({
    modelsDir: tiny.dir,
    threads: 1,
    ...nlp,
    ...over,
    topics: { model: tiny.ids.nli, ...nlp.topics, ...over.topics },
    entities: { model: tiny.ids.ner, ...nlp.entities, ...over.entities },
    sentiment: { model: tiny.ids.sentiment, ...nlp.sentiment, ...over.sentiment },
  });
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, '# written by the test\n');
  let run = 0;
  const step = (over: NlpConfigInput = {}, env: NodeJS.ProcessEnv = {}, opts: EnrichOptions = {}) => {
    const config = resolveConfig({ lake: './lake', warehouse: 'duckdb:./wh.duckdb', sources: [], nlp: section(over) }, file, { env: {} });
    const ctx: StepContext = { config, runId: `20261124T10000${run++}Z-abcdef`, log: createLogger('enrich'), env, signal: new AbortController().signal };
    return enrich(ctx, opts);
  };
  const labels = async () => {
    const ids = [...new Set((await nlpFiles(lake)).map((f) => f.key))];
    expect(ids.every((k) => /^nlp\/dt=\d{4}-\d{2}-\d{2}\/part-.*\.parquet$/.test(k))).toBe(true);
    const all = await readNlpRows(lake, ['mastodon:1', 'mastodon:2', 'mastodon:3', 'mastodon:4', 'mastodon:5', 'mastodon:6']);
    return new Map<string, PostNlp>(all.map((r) => [r.post_id, r]));
  };
  return { dir, lake, step, labels };
}

const SEED = [
  post('1', 'Streaming Kafka into Snowflake is great @alice https://example.com/x'),
  // A cross-post: the same text once prepared (other handle, other link).
  post('2', 'Streaming Kafka into Snowflake is great @bob https://example.org/y', { source: 'mastodon', created_at: '2026-11-21T09:00:00.000Z' }),
  post('3', 'The Airflow scheduler outage was terrible', { title: null }),
  post('4', 'https://example.com/only-a-link'),
];

describe('the enrich step', { timeout: 60_000 }, () => {
  it('labels new posts once per distinct text, writes nlp/, and a second run labels nothing', async () => {
    const { lake, step, labels } = await setup();
    await mergePosts(lake, SEED, 'r1');
    const first = await step();
    expect(first.status).toBe('ok');
    expect(first.details).toMatchObject({ labelled: 4, upToDate: 0, copied: 0, device: 'cpu', modelsChanged: true });
    // Posts 1 and 2 share a text, post 4 has nothing to label: two texts went through the models.
    expect(first.details!.textsComputed).toBe(2);
    expect(first.rowsOut).toBe(4);
    expect(first.lines[0]).toMatch(/4 posts read, 0 already labelled; 4 labelled \(2 distinct texts computed at [\d.]+ posts\/s on cpu\), 0 copied/);

    const rows = await labels();
    const one = rows.get('mastodon:1')!;
    expect(one.topics.map((t) => t.label)).toContain('streaming');
    expect(one.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'product', text: 'Kafka' }), expect.objectContaining({ text: 'Snowflake' })]));
    expect(one.sentiment).toBe('positive');
    expect(one.models.map((m) => m.task)).toEqual(['topics', 'entities', 'sentiment']);
    const two = rows.get('mastodon:2')!;
    // Same labels, each with its own post's created_at (what lets label queries skip periods).
    expect({ ...two, post_id: one.post_id, created_at: one.created_at }).toEqual(one);
    expect([one.created_at, two.created_at]).toEqual(['2026-11-20T10:00:00.000Z', '2026-11-21T09:00:00.000Z']);
    const three = rows.get('mastodon:3')!;
    expect(three.sentiment).toBe('negative');
    expect(three.topics.map((t) => t.label)).toContain('orchestration');
    expect(three.entities).toEqual([expect.objectContaining({ type: 'product', text: 'Airflow' })]);
    expect(rows.get('mastodon:4')).toMatchObject({ topics: [], entities: [], sentiment: null });
    const filesAfterFirst = (await nlpFiles(lake)).length;

    const second = await step();
    expect(second).toMatchObject({ status: 'ok', rowsOut: 0, lines: ['enrich        no new posts'] });
    expect((await nlpFiles(lake)).length).toBe(filesAfterFirst);

    // A rewritten partition (new post beside old ones): only the new post is labelled, and a
    // new post whose text is already labelled gets a copy without loading any model.
    await mergePosts(lake, [post('5', 'Streaming Kafka into Snowflake is great @carol https://example.net/z')], 'r2');
    // (The models dir is not part of the model version, the files' contents are: the same
    // files in another folder are the same models. device 'none' proves that no model loads.)
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'pulse-models-copy-'));
    await cp(tiny.dir, elsewhere, { recursive: true });
    const copy = await step({ modelsDir: elsewhere });
    // Only the rewritten partition (2026-11-20: posts 1, 3, 4 and 5) is read again.
    expect(copy.details).toMatchObject({ labelled: 0, copied: 1, upToDate: 3, textsComputed: 0, device: 'none' });
    expect({ ...(await labels()).get('mastodon:5')!, post_id: 'x', enriched_at: '' }).toEqual({ ...one, post_id: 'x', enriched_at: '' });

    // An edited post is labelled again.
    await mergePosts(lake, [post('3', 'The Airflow scheduler is great now', { collected_at: '2026-11-23T00:00:00.000Z' })], 'r3');
    const edited = await step();
    expect(edited.details).toMatchObject({ labelled: 1, textsComputed: 1, copied: 0 });
    expect((await labels()).get('mastodon:3')!.sentiment).toBe('positive');
  });

  it('relabels every post when a model or a setting changes', async () => {
    const { lake, step, labels } = await setup();
    await mergePosts(lake, SEED, 'r1');
    await step();
    const before = await labels();
    const changed = await step({ sentiment: { model: tiny.ids.sentimentLabelIds } });
    expect(changed.details).toMatchObject({ labelled: 4, upToDate: 0, modelsChanged: true, textsComputed: 2 });
    expect(changed.lines[1]).toMatch(/models or settings changed since the last run: every post is relabelled/);
    const after = await labels();
    expect(after.get('mastodon:1')!.text_hash).not.toBe(before.get('mastodon:1')!.text_hash);
    expect(after.get('mastodon:1')!.models.find((m) => m.task === 'sentiment')!.model).toMatch(/^pulse-tiny\/sentiment-label-ids@main q8 #/);
    // LABEL_0..2 are read as negative, neutral, positive.
    expect(after.get('mastodon:1')!.sentiment).toBe('positive');
    expect((await step({ sentiment: { model: tiny.ids.sentimentLabelIds } })).rowsOut).toBe(0);
    // A new topic threshold is a new version too.
    expect((await step({ sentiment: { model: tiny.ids.sentimentLabelIds }, topics: { threshold: 0.9 } })).details).toMatchObject({ labelled: 4 });
  });

  it('relabels every post when the model files are replaced in place (same id, revision and dtype)', async () => {
    const { lake, step, labels } = await setup();
    const models = await mkdtemp(path.join(os.tmpdir(), 'pulse-replaced-'));
    await cp(tiny.dir, models, { recursive: true });
    await mergePosts(lake, SEED, 'r1');
    await step({ modelsDir: models });
    const before = await labels();
    expect(before.get('mastodon:1')!.sentiment).toBe('positive');
    // New weights under the old name, as a user who downloads a new snapshot over the old one.
    await cp(path.join(tiny.dir, tiny.ids.sentimentInverted, 'onnx'), path.join(models, tiny.ids.sentiment, 'onnx'), { recursive: true, force: true });
    // A new post with the text of an old one: not a copy of labels from the old weights.
    await mergePosts(lake, [post('5', 'Streaming Kafka into Snowflake is great @carol https://example.net/z')], 'r2');
    const replaced = await step({ modelsDir: models });
    expect(replaced.details).toMatchObject({ modelsChanged: true, labelled: 5, copied: 0, upToDate: 0 });
    const after = await labels();
    const sentimentModel = (r: PostNlp) => r.models.find((m) => m.task === 'sentiment')!.model;
    expect(sentimentModel(after.get('mastodon:1')!)).not.toBe(sentimentModel(before.get('mastodon:1')!));
    expect(after.get('mastodon:1')!.sentiment).toBe('negative');
    expect(after.get('mastodon:5')!.sentiment).toBe('negative');
    expect(after.get('mastodon:3')!.sentiment).toBe('positive');
    expect((await step({ modelsDir: models })).rowsOut).toBe(0);
  });

  it('labels the same with worker threads (nlp.workers)', async () => {
    const one = await setup();
    const two = await setup({ workers: 2 });
    for (const w of [one, two]) await mergePosts(w.lake, SEED, 'r1');
    await one.step();
    const report = await two.step();
    expect(report.details).toMatchObject({ labelled: 4, textsComputed: 2 });
    const strip = (m: Map<string, PostNlp>) => [...m.values()].map((r) => ({ ...r, enriched_at: '' }));
    expect(strip(await two.labels())).toEqual(strip(await one.labels()));
  });

  it('refuses a state document of the wrong shape, naming the file and the fix', async () => {
    const { lake, step } = await setup();
    await mergePosts(lake, SEED, '20261124T000000Z-seed00');
    await lake.write('_state/nlp-enricher.json', '{"postsThrough": 5, "models": "none"}');
    const err = await step().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toContain(lake.url('_state/nlp-enricher.json'));
    expect((err as Error).message).toMatch(/postsThrough: expected string, received number; models: expected array, received string.*To recover: delete it/);
    // Written by a clock running ahead: posts/ files written since sort before it.
    await lake.write('_state/nlp-enricher.json', JSON.stringify({ postsThrough: 'part-20991231T000000Z-ffffff-0.parquet' }));
    await expect(step()).rejects.toThrow(/nlp-enricher\.json: postsThrough part-20991231T000000Z-ffffff-0\.parquet is later than now .*clock running ahead.*To recover: delete it/);
  });

  it('fails with a message that says how to fix it when the models are missing, and is skipped when NLP is off', async () => {
    const { lake, step } = await setup();
    await mergePosts(lake, SEED, 'r1');
    const empty = await mkdtemp(path.join(os.tmpdir(), 'pulse-no-models-'));
    const err = (await step({ modelsDir: empty }).catch((e: unknown) => e)) as Error & { exitCode: number };
    expect(err.message).toMatch(/the NLP models could not be loaded: model pulse-tiny\/nli-topics \(topics\) is not in .*missing config\.json/);
    expect(err.message).toMatch(/pulse models pull/);
    expect(err.message).toMatch(/PULSE_MODELS_DIR/);
    expect(err.message).toMatch(/nlp\.enabled: false or use `pulse run --skip enrich`/);
    // Offline, another attempt cannot help.
    expect(err.exitCode).toBe(2);
    // PULSE_MODELS_DIR wins over nlp.modelsDir.
    expect((await step({ modelsDir: empty }, { PULSE_MODELS_DIR: tiny.dir })).rowsOut).toBe(4);

    expect(await step({ enabled: false })).toMatchObject({ status: 'skipped', lines: ['enrich        skipped: nlp.enabled is false'] });
  });

  it('relabels after a model change one window of posts at a time, never every text at once, with the labels of one whole pass', async () => {
    // 23 posts over three days; post 21 repeats post 2's text, in another window.
    const texts = ['Kafka streaming is great', 'The Airflow scheduler outage was terrible', 'dbt tests in BigQuery', 'Snowflake cost review'];
    const text = (i: number): string => (i === 20 ? text(1) : `${texts[i % texts.length]} ${i}`);
    const many = Array.from({ length: 23 }, (_, i) => post(String(i + 1).padStart(2, '0'), text(i), { created_at: `2026-11-${18 + (i % 3)}T10:00:00.000Z` }));
    const windowed = await setup();
    const whole = await setup();
    for (const w of [windowed, whole]) {
      await mergePosts(w.lake, many, 'r1');
      expect((await w.step()).details).toMatchObject({ labelled: 23, windows: 1, largestWindow: 23 });
    }
    const change = { sentiment: { model: tiny.ids.sentimentLabelIds } };
    const stepped = await windowed.step(change, {}, { chunkPosts: 5 });
    // Every post read again, in windows of at most 5 posts: 5 + 5 + 5 + 5 + 3.
    expect(stepped.details).toMatchObject({ modelsChanged: true, upToDate: 0, windows: 5, largestWindow: 5 });
    // Post 21 meets the text of post 2, labelled in an earlier window: copied, not computed.
    expect(stepped.details).toMatchObject({ labelled: 22, copied: 1, textsComputed: 22 });
    expect((await whole.step(change)).details).toMatchObject({ windows: 1, largestWindow: 23, labelled: 23, textsComputed: 22 });

    const rows = async (lake: typeof windowed.lake) => {
      const all = await readNlpRows(lake, many.map((p) => p.post_id));
      return all.map((r) => ({ ...r, enriched_at: '' }));
    };
    const relabelled = await rows(windowed.lake);
    expect(relabelled).toHaveLength(23);
    expect(relabelled).toEqual(await rows(whole.lake));
    expect(relabelled.every((r) => r.models.some((m) => m.model.startsWith(tiny.ids.sentimentLabelIds)))).toBe(true);
    // And nothing is left to do.
    expect((await windowed.step(change, {}, { chunkPosts: 5 })).rowsOut).toBe(0);
  });
});
