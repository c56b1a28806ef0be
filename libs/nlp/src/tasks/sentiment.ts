import type { Sentiment } from '@social-pulse/schema';
import { argmax, encode, logitsRow, softmax } from '../batching.ts';
import { round4 } from '../entity-spans.ts';
import { sentimentLabels } from '../labels.ts';
import { DEFAULT_MODELS, type LoadedModel } from '../models.ts';
import { runBatches, type BatchOptions } from './run.ts';
import { defineTask } from './task.ts';

export interface SentimentResult {
  sentiment: Sentiment;
  score: number;
}

export interface SentimentRunner {
  run(texts: string[], opts: BatchOptions): Promise<SentimentResult[]>;
}

/** Sentiment as the most probable of negative/neutral/positive (softmax over the model's logits). */
export function modelSentiment(loaded: LoadedModel, maxTokens: number): SentimentRunner {
  const labels = sentimentLabels(loaded.model.config.id2label ?? {});
  if (!labels.length) throw new Error(`model ${loaded.spec.id} has no id2label in its config.json`);
  const limit = Math.min(maxTokens, loaded.maxLength);
  return {
    async run(texts, opts) {
      if (!texts.length) return [];
      const encoded = encode(loaded.tokenizer, texts, limit);
      const out: SentimentResult[] = new Array(texts.length);
      await runBatches(loaded, encoded, opts, (logits, rows) => {
        rows.forEach((t, r) => {
          const probs = softmax(logitsRow(logits, r));
          const best = argmax(probs);
          out[t] = { sentiment: labels[best]!, score: round4(probs[best]!) };
        });
      });
      return out;
    },
  };
}

/** Sentiment: negative, neutral or positive, with its probability. */
export const sentimentTask = defineTask({
  name: 'sentiment',
  config: (nlp) => nlp.sentiment,
  pipeline: 'text-classification',
  defaultModel: () => DEFAULT_MODELS.sentiment,
  settings: () => undefined,
  prepare: (loaded, nlp) => modelSentiment(loaded, nlp.maxTokens),
  columns: ['sentiment', 'sentiment_score'],
  toColumns: (s: SentimentResult | undefined) => ({ sentiment: s?.sentiment ?? null, sentiment_score: s?.score ?? null }),
  describe: (s) => `${s.sentiment} ${s.score.toFixed(2)}`,
  testModel: 'sentiment',
});
