import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nlpSchema } from '@social-pulse/config';
import { TASKS, type AnyNlpTask } from '../tasks/index.ts';
import { encodeModel, type Graph } from './onnx-proto.ts';
import { nliGraph, sequenceClassifierGraph, tokenClassifierGraph, type Weights } from './tiny-graphs.ts';
import { buildTokenizer, SPECIAL_TOKENS } from './tiny-tokenizer.ts';

/**
 * Tiny but valid transformers.js models, built offline in milliseconds. Every model folder
 * has what a real ONNX port on the hub has — `config.json` (model_type bert, id2label,
 * label2id), `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx` (fp32) and
 * `onnx/model_quantized.onnx` (int8 weights, dequantized in the graph) — so they load
 * through exactly the code path of real models. Their weights are set by hand, so tests can
 * assert what they say: "kafka" is about streaming, "great" is positive, "snow ##flake" is
 * an organisation.
 */

export const TINY_MODEL_IDS = {
  /** Zero-shot NLI (entailment/neutral/contradiction), for `topics.mode: zero-shot`. */
  nli: 'pulse-tiny/nli-topics',
  /** A 19-label multi-label classifier shaped like cardiffnlp/tweet-topic-21-multi. */
  tweetTopic: 'pulse-tiny/tweet-topic',
  /** Token classification with the CoNLL labels of dslim/bert-base-NER. */
  ner: 'pulse-tiny/ner-conll',
  /** Token classification with the tweet-ner7 labels of tner/roberta-large-tweetner7-all. */
  tweetNer: 'pulse-tiny/ner-tweetner7',
  /** Sentiment with named labels (negative, neutral, positive). */
  sentiment: 'pulse-tiny/sentiment',
  /** Sentiment with generic labels (LABEL_0..2), like cardiffnlp/twitter-roberta-base-sentiment. */
  sentimentLabelIds: 'pulse-tiny/sentiment-label-ids',
  /**
   * `sentiment` with its words' polarity reversed ("great" is negative): the same config and
   * tokenizer, other weights, to stand for replaced model files.
   */
  sentimentInverted: 'pulse-tiny/sentiment-inverted',
} as const;

export type TinyModelName = keyof typeof TINY_MODEL_IDS;

/** The id of the tiny model that stands in for a task's model (its `testModel`). */
export function tinyModelOf(task: AnyNlpTask): string {
  if (!(task.testModel in TINY_MODEL_IDS)) {
    throw new Error(`task ${task.name}: testModel ${task.testModel} is none of the tiny models (${Object.keys(TINY_MODEL_IDS).join(', ')})`);
  }
  return TINY_MODEL_IDS[task.testModel as TinyModelName];
}

/** Words of each topic concept; the tiny NLI model entails a label that shares a concept with the post. */
const TOPIC_CONCEPTS: Record<string, string[]> = {
  orchestration: ['orchestration', 'orchestrator', 'airflow', 'dagster', 'prefect', 'dag', 'dags', 'scheduler'],
  streaming: ['streaming', 'stream', 'streams', 'kafka', 'flink', 'realtime', 'cdc'],
  quality: ['quality', 'validation', 'tests', 'freshness'],
  warehousing: ['warehousing', 'warehouse', 'bigquery', 'redshift'],
  lakes: ['lakes', 'lake', 'lakehouse', 'iceberg', 'parquet'],
  modeling: ['modeling', 'modelling', 'schema', 'dimensional', 'kimball'],
  etl: ['etl', 'elt', 'ingestion', 'ingest'],
  batch: ['batch', 'batches', 'nightly'],
  ml: ['machine', 'learning', 'ml', 'training'],
  ai: ['ai', 'llms', 'llm', 'agents'],
  analytics: ['analytics', 'dbt', 'metrics'],
  cost: ['cloud', 'cost', 'costs', 'billing', 'finops'],
  careers: ['careers', 'career', 'job', 'jobs', 'interview', 'hiring', 'salary'],
  tooling: ['tooling', 'tool', 'tools', 'cli'],
  databases: ['databases', 'database', 'postgres', 'postgresql', 'duckdb', 'mysql'],
  governance: ['governance', 'lineage', 'privacy', 'gdpr', 'catalog'],
};

/** The 19 labels of cardiffnlp/tweet-topic-21-multi, in its id order, with a few words each. */
const TWEET_TOPICS: [string, string[]][] = [
  ['arts_&_culture', ['art', 'museum']],
  ['business_&_entrepreneurs', ['startup', 'business', 'funding', 'revenue']],
  ['celebrity_&_pop_culture', ['celebrity']],
  ['diaries_&_daily_life', ['morning', 'weekend']],
  ['family', ['family', 'kids']],
  ['fashion_&_style', ['fashion']],
  ['film_tv_&_video', ['movie', 'film', 'video']],
  ['fitness_&_health', ['gym', 'fitness']],
  ['food_&_dining', ['pizza', 'coffee', 'food']],
  ['gaming', ['gaming', 'game']],
  ['learning_&_educational', ['tutorial', 'course', 'learn']],
  ['music', ['music', 'concert', 'album']],
  ['news_&_social_concern', ['news', 'election']],
  ['other_hobbies', ['hobby']],
  ['relationships', ['dating']],
  ['science_&_technology', ['kafka', 'spark', 'python', 'ai', 'database', 'software']],
  ['sports', ['football', 'match', 'goal']],
  ['travel_&_adventure', ['travel', 'flight']],
  ['youth_&_student_life', ['school', 'student']],
];

const SENTIMENT_WORDS = {
  positive: ['great', 'love', 'awesome', 'amazing', 'fast', 'good', 'nice', 'happy', 'thanks', 'best'],
  negative: ['hate', 'broken', 'slow', 'terrible', 'bad', 'awful', 'outage', 'bug', 'worst', 'fails'],
};

const CONLL_LABELS = ['O', 'B-MISC', 'I-MISC', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC'];
const TWEETNER7_LABELS = [
  'B-corporation', 'B-creative_work', 'B-event', 'B-group', 'B-location', 'B-person', 'B-product',
  'I-corporation', 'I-creative_work', 'I-event', 'I-group', 'I-location', 'I-person', 'I-product', 'O',
];

/** Token → NER tag, in CoNLL terms; the tweet-ner7 model maps them through `CONLL_TO_TWEETNER7`. */
const NER_TOKENS: Record<string, string> = {
  snow: 'B-ORG',
  '##flake': 'I-ORG',
  google: 'B-ORG',
  microsoft: 'B-ORG',
  databricks: 'B-ORG',
  ada: 'B-PER',
  lovelace: 'I-PER',
  joe: 'B-PER',
  reis: 'I-PER',
  kafka: 'B-PER', // Franz Kafka, to the model; the dictionary knows better
  london: 'B-LOC',
  berlin: 'B-LOC',
  europe: 'B-LOC',
  german: 'B-MISC',
};
const CONLL_TO_TWEETNER7: Record<string, string> = {
  'B-ORG': 'B-corporation',
  'I-ORG': 'I-corporation',
  'B-PER': 'B-person',
  'I-PER': 'I-person',
  'B-LOC': 'B-location',
  'I-LOC': 'I-location',
  'B-MISC': 'B-event',
  'I-MISC': 'I-event',
};

/** Longest text (tokens) the tiny models accept, like BERT's 512 but small. */
export const TINY_MAX_LENGTH = 128;

function vocabulary(): string[] {
  return [
    ...Object.values(TOPIC_CONCEPTS).flat(),
    ...TWEET_TOPICS.flatMap(([, words]) => words),
    ...SENTIMENT_WORDS.positive,
    ...SENTIMENT_WORDS.negative,
    ...Object.keys(NER_TOKENS),
  ];
}

/** An embedding table with one dimension per concept; `conceptOf` gives each token's concepts. */
function embedding(vocab: Map<string, number>, hidden: number, conceptOf: (token: string) => number[]): Float32Array {
  const table = new Float32Array(vocab.size * hidden);
  for (const [token, id] of vocab) {
    if ((SPECIAL_TOKENS as readonly string[]).includes(token)) continue;
    for (const c of conceptOf(token)) table[id * hidden + c] = 1;
  }
  return table;
}

function identity(n: number, scale: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = scale;
  return m;
}

interface ModelDef {
  id: string;
  architecture: string;
  labels: string[];
  weights: Weights;
  graph: (w: Weights, quantized: boolean) => Graph;
  problemType?: string;
}

function definitions(vocab: Map<string, number>): ModelDef[] {
  const V = vocab.size;
  const concepts = Object.keys(TOPIC_CONCEPTS);
  const conceptIndex = new Map<string, number[]>();
  concepts.forEach((c, i) => {
    for (const w of TOPIC_CONCEPTS[c]!) conceptIndex.set(w, [...(conceptIndex.get(w) ?? []), i]);
  });

  // NLI: labels in the order typeform/distilbert-base-uncased-mnli uses (entailment first),
  // so the zero-shot code must read label2id rather than assume an index.
  // logits = cos(premise, hypothesis) * head + bias: entailment - contradiction = 8·cos - 4.
  const nli: ModelDef = {
    id: TINY_MODEL_IDS.nli,
    architecture: 'BertForSequenceClassification',
    labels: ['entailment', 'neutral', 'contradiction'],
    weights: {
      embedding: embedding(vocab, concepts.length, (t) => conceptIndex.get(t) ?? []),
      vocabSize: V,
      hidden: concepts.length,
      head: Float32Array.of(4, 0, -4),
      bias: Float32Array.of(-2, 0, 2),
      labels: 3,
    },
    graph: nliGraph,
  };

  const topicIndex = new Map<string, number[]>();
  TWEET_TOPICS.forEach(([, words], i) => {
    for (const w of words) topicIndex.set(w, [...(topicIndex.get(w) ?? []), i]);
  });
  const tweetTopic: ModelDef = {
    id: TINY_MODEL_IDS.tweetTopic,
    architecture: 'BertForSequenceClassification',
    labels: TWEET_TOPICS.map(([label]) => label),
    problemType: 'multi_label_classification',
    weights: {
      embedding: embedding(vocab, TWEET_TOPICS.length, (t) => topicIndex.get(t) ?? []),
      vocabSize: V,
      hidden: TWEET_TOPICS.length,
      head: identity(TWEET_TOPICS.length, 6),
      bias: new Float32Array(TWEET_TOPICS.length).fill(-3),
      labels: TWEET_TOPICS.length,
    },
    graph: sequenceClassifierGraph,
  };

  // Sentiment: two concepts (good, bad) → [negative, neutral, positive]; neutral wins when
  // neither is present.
  const sentimentWeights: Weights = {
    embedding: embedding(vocab, 2, (t) =>
      SENTIMENT_WORDS.positive.includes(t) ? [0] : SENTIMENT_WORDS.negative.includes(t) ? [1] : [],
    ),
    vocabSize: V,
    hidden: 2,
    head: Float32Array.of(-2, 0, 4, /* bad → */ 4, 0, -2),
    bias: Float32Array.of(0, 1, 0),
    labels: 3,
  };
  const sentiment: ModelDef = {
    id: TINY_MODEL_IDS.sentiment,
    architecture: 'BertForSequenceClassification',
    labels: ['negative', 'neutral', 'positive'],
    weights: sentimentWeights,
    graph: sequenceClassifierGraph,
  };
  const sentimentLabelIds: ModelDef = { ...sentiment, id: TINY_MODEL_IDS.sentimentLabelIds, labels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] };
  const sentimentInverted: ModelDef = {
    ...sentiment,
    id: TINY_MODEL_IDS.sentimentInverted,
    weights: { ...sentimentWeights, head: Float32Array.of(4, 0, -2, /* bad → */ -2, 0, 4) },
  };

  // NER: one dimension per label; every token that is not an entity leans to O.
  const nerModel = (id: string, labels: string[], tagOf: (conll: string) => string): ModelDef => {
    const o = labels.indexOf('O');
    return {
      id,
      architecture: 'BertForTokenClassification',
      labels,
      weights: {
        embedding: embedding(vocab, labels.length, (t) => {
          const tag = NER_TOKENS[t];
          return [tag ? labels.indexOf(tagOf(tag)) : o];
        }),
        vocabSize: V,
        hidden: labels.length,
        head: identity(labels.length, 8),
        bias: new Float32Array(labels.length),
        labels: labels.length,
      },
      graph: tokenClassifierGraph,
    };
  };

  return [
    nli,
    tweetTopic,
    sentiment,
    sentimentLabelIds,
    sentimentInverted,
    nerModel(TINY_MODEL_IDS.ner, CONLL_LABELS, (t) => t),
    nerModel(TINY_MODEL_IDS.tweetNer, TWEETNER7_LABELS, (t) => CONLL_TO_TWEETNER7[t] ?? t),
  ];
}

export interface TinyModels {
  /** The folder to use as PULSE_MODELS_DIR / `nlp.modelsDir`. */
  dir: string;
  ids: typeof TINY_MODEL_IDS;
  /** With `asDefaults`: the default models' ids the tiny models were also written under (one per task). */
  defaults: string[];
}

/**
 * Write every tiny model under `dir` (`<dir>/pulse-tiny/<name>/…`; with `asDefaults`, also
 * under the default models' ids). Deterministic: the same call always writes the same bytes.
 */
export async function buildTinyModels(dir: string, opts: { asDefaults?: boolean } = {}): Promise<TinyModels> {
  const { vocab, tokenizerJson, tokenizerConfig } = buildTokenizer(vocabulary(), TINY_MAX_LENGTH);
  const defs = definitions(vocab);
  const defaults: string[] = [];
  if (opts.asDefaults) {
    // The same tiny models again, under the ids of the default models, so that a configuration
    // without any nlp: section runs offline on them (end-to-end tests of `pulse run`).
    const config = nlpSchema.parse({});
    defaults.push(...TASKS.map((t) => t.defaultModel(config)));
    defs.push(...TASKS.map((t, i) => ({ ...defs.find((d) => d.id === tinyModelOf(t))!, id: defaults[i]! })));
  }
  for (const def of defs) {
    const folder = path.join(dir, ...def.id.split('/'));
    await mkdir(path.join(folder, 'onnx'), { recursive: true });
    const id2label = Object.fromEntries(def.labels.map((l, i) => [String(i), l]));
    const label2id = Object.fromEntries(def.labels.map((l, i) => [l, i]));
    const config = {
      _name_or_path: def.id,
      architectures: [def.architecture],
      model_type: 'bert',
      vocab_size: vocab.size,
      hidden_size: def.weights.hidden,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      intermediate_size: def.weights.hidden,
      max_position_embeddings: TINY_MAX_LENGTH,
      type_vocab_size: 2,
      pad_token_id: 0,
      id2label,
      label2id,
      ...(def.problemType ? { problem_type: def.problemType } : {}),
    };
    const doc = `${def.id}: tiny test model built by @social-pulse/nlp/testing`;
    await Promise.all([
      writeFile(path.join(folder, 'config.json'), JSON.stringify(config, null, 2)),
      writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson)),
      writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2)),
      writeFile(path.join(folder, 'onnx', 'model.onnx'), encodeModel(def.graph(def.weights, false), { docString: doc })),
      writeFile(
        path.join(folder, 'onnx', 'model_quantized.onnx'),
        encodeModel(def.graph(def.weights, true), { docString: `${doc} (int8 weights)` }),
      ),
    ]);
  }
  return { dir, ids: TINY_MODEL_IDS, defaults };
}
