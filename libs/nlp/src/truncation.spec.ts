import type { Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nlpSchema } from '@social-pulse/config';
import { encode } from './batching.ts';
import { loadModel, type LoadedModel, type NlpModel } from './models.ts';
import { modelEntities } from './tasks/entities.ts';
import { modelSentiment } from './tasks/sentiment.ts';
import { classifierTopics, zeroShotTopics } from './tasks/topics.ts';
import { withTinyModels } from './testing/index.ts';

/**
 * What the model is fed for a post longer than the token limit: Python transformers (and so
 * tweetnlp) truncate the text, then add the special tokens, so the sequence still ends with
 * [SEP]; for an NLI pair only the premise is cut and the hypothesis stays whole.
 */

let tiny: Awaited<ReturnType<typeof withTinyModels>>;
const loaded: LoadedModel[] = [];
const config = () => tiny.config();
const runtime = { modelsDir: '', device: 'cpu' as const, threads: 1, offline: true };
const opts = { batchSize: 4, sorted: true };

/** A loaded tiny model whose every input batch is recorded (rows of attended input ids). */
async function spied(id: string, pipeline: 'text-classification' | 'token-classification') {
  const m = await loadModel({ task: 'sentiment', pipeline, id, revision: 'main', dtype: 'q8' }, { ...runtime, modelsDir: tiny.dir });
  loaded.push(m);
  const fed: { ids: number[]; types: number[] | null }[] = [];
  const model = Object.assign(
    async (inputs: Record<string, Tensor>) => {
      const [rows, width] = inputs.input_ids!.dims as [number, number];
      const ids = inputs.input_ids!.data as BigInt64Array;
      const mask = inputs.attention_mask!.data as BigInt64Array;
      const types = inputs.token_type_ids?.data as BigInt64Array | undefined;
      for (let r = 0; r < rows; r++) {
        const row = { ids: [] as number[], types: types ? ([] as number[]) : null };
        for (let j = 0; j < width; j++) {
          if (mask[r * width + j] !== 1n) continue;
          row.ids.push(Number(ids[r * width + j]));
          row.types?.push(Number(types![r * width + j]));
        }
        fed.push(row);
      }
      return m.model(inputs);
    },
    { config: m.model.config, dispose: () => m.model.dispose() },
  ) as NlpModel;
  const vocab = m.tokenizer.get_vocab();
  const idOf = (t: string) => (vocab instanceof Map ? vocab.get(t) : vocab[t])!;
  return { loaded: { ...m, model }, fed, cls: idOf('[CLS]'), sep: idOf('[SEP]') };
}

const LONG = `kafka ${'data pipeline '.repeat(200)}great`;

beforeAll(async () => {
  tiny = await withTinyModels();
});
afterAll(async () => {
  await Promise.all(loaded.map((m) => m.dispose()));
});

describe('truncation of long posts', () => {
  it('keeps [SEP] at the end of a cut single sequence (sentiment, topics classifier, entities)', async () => {
    const maxTokens = 32;
    const sentiment = await spied(tiny.ids.sentiment, 'text-classification');
    await modelSentiment(sentiment.loaded, maxTokens).run([LONG, 'kafka is great'], opts);
    const classifier = await spied(tiny.ids.tweetTopic, 'text-classification');
    await classifierTopics(classifier.loaded, config().topics, maxTokens).run([LONG], opts);
    const ner = await spied(tiny.ids.ner, 'token-classification');
    await modelEntities(ner.loaded, config().entities, maxTokens).run([LONG], opts);
    for (const s of [sentiment, classifier, ner]) {
      const long = s.fed.find((r) => r.ids.length === maxTokens);
      expect(long, 'a row cut to the limit').toBeDefined();
      expect(long!.ids[0]).toBe(s.cls);
      expect(long!.ids.at(-1)).toBe(s.sep);
      expect(long!.ids.filter((x) => x === s.sep)).toHaveLength(1);
    }
    // A short post is fed exactly as the tokenizer encodes it.
    const short = sentiment.fed.find((r) => r.ids.length < maxTokens)!;
    expect(short.ids).toEqual(encode(sentiment.loaded.tokenizer, ['kafka is great'], maxTokens)[0]!.ids);
  });

  it('cuts only the premise of a zero-shot pair: the hypothesis and its [SEP] stay whole', async () => {
    const maxTokens = 40;
    const nli = await spied(tiny.ids.nli, 'text-classification');
    const topics = nlpSchema.parse({ topics: { labels: ['streaming', 'careers'] } }).topics;
    const [labels] = await zeroShotTopics(nli.loaded, topics, maxTokens).run([LONG], opts);
    expect(labels!.map((t) => t.label)).toEqual(['streaming']);
    const hypothesis = (label: string) =>
      nli.loaded.tokenizer([topics.hypothesisTemplate.replace('{}', label)], { padding: false, truncation: false, add_special_tokens: false, return_tensor: false }).input_ids[0]!;
    expect(nli.fed).toHaveLength(2);
    for (const row of nli.fed) {
      expect(row.ids).toHaveLength(maxTokens);
      const second = row.types!.indexOf(1);
      const tail = row.ids.slice(second);
      expect([[...hypothesis('streaming'), nli.sep], [...hypothesis('careers'), nli.sep]]).toContainEqual(tail);
      // [CLS] premise [SEP] hypothesis [SEP]
      expect(row.ids[0]).toBe(nli.cls);
      expect(row.ids[second - 1]).toBe(nli.sep);
    }
  });
});
