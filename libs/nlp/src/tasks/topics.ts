import type { NlpConfig } from '@social-pulse/config';
import type { PostNlp } from '@social-pulse/schema';
import { PulseError } from '@social-pulse/runtime';
import { encode, logitsRow, sigmoid, softmax } from '../batching.ts';
import { round4 } from '../entity-spans.ts';
import { DEFAULT_TOPIC_LABELS, prettyTopicLabel } from '../labels.ts';
import type { LoadedModel } from '../models.ts';
import { labelsOf, runBatches, type BatchOptions } from './run.ts';

type Topic = PostNlp['topics'][number];
type TopicsConfig = NlpConfig['topics'];

export interface TopicsRunner {
  run(texts: string[], opts: BatchOptions): Promise<Topic[][]>;
}

/** Keep the topics at or above the threshold, highest first, at most `maxTopics`. */
export function selectTopics(scores: readonly { label: string; score: number }[], cfg: Pick<TopicsConfig, 'threshold' | 'maxTopics'>): Topic[] {
  return scores
    .filter((s) => s.score >= cfg.threshold)
    .sort((a, b) => b.score - a.score)
    .slice(0, cfg.maxTopics)
    .map((s) => ({ label: s.label, score: round4(s.score) }));
}

/**
 * Zero-shot topics with an NLI model, like transformers.js' zero-shot-classification
 * pipeline with `multi_label: true` (each label's entailment probability is a softmax over
 * [contradiction, entailment] alone), but batched: that pipeline runs one (post, label) pair
 * per inference, which for 16 labels is 16 single-row runs per post.
 */
export function zeroShotTopics(loaded: LoadedModel, cfg: TopicsConfig, maxTokens: number): TopicsRunner {
  const label2id = Object.fromEntries(Object.entries(loaded.model.config.label2id ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const entailment = label2id.entailment;
  const contradiction = label2id.contradiction ?? label2id.not_entailment;
  if (entailment === undefined || contradiction === undefined) {
    throw new PulseError(
      `topics: ${loaded.spec.id} is not an NLI model (its labels are ${labelsOf(loaded).join(', ')}); ` +
        'zero-shot mode needs entailment and contradiction labels (e.g. Xenova/distilbert-base-uncased-mnli), ' +
        'or set nlp.topics.mode to classifier',
    );
  }
  const labels = cfg.labels ?? DEFAULT_TOPIC_LABELS;
  const hypotheses = labels.map((l) => cfg.hypothesisTemplate.replace('{}', l));
  const tok = loaded.tokenizer;
  const limit = Math.min(maxTokens, loaded.maxLength);
  // Truncating a pair would cut the hypothesis off its end, so the premise alone is cut to
  // what is left after the longest hypothesis and the special tokens.
  const bare = (xs: string[]) => tok(xs, { padding: false, truncation: false, add_special_tokens: false, return_tensor: false }).input_ids;
  const hypothesisLength = Math.max(...bare(hypotheses).map((ids) => ids.length));
  const specials = encode(tok, ['a'], loaded.maxLength, ['b'])[0]!.ids.length - bare(['a'])[0]!.length - bare(['b'])[0]!.length;
  const premiseBudget = Math.max(8, limit - hypothesisLength - specials);

  return {
    async run(texts, opts) {
      if (!texts.length) return [];
      const premises = bare(texts).map((ids, i) => (ids.length > premiseBudget ? tok.decode(ids.slice(0, premiseBudget), { skip_special_tokens: true }) : texts[i]!));
      const firsts: string[] = [];
      const seconds: string[] = [];
      for (const p of premises) {
        for (const h of hypotheses) {
          firsts.push(p);
          seconds.push(h);
        }
      }
      const encoded = encode(tok, firsts, loaded.maxLength, seconds);
      const scores = new Float64Array(encoded.length);
      await runBatches(loaded, encoded, opts, (logits, rows) => {
        rows.forEach((pair, r) => {
          const row = logitsRow(logits, r);
          scores[pair] = softmax([row[contradiction]!, row[entailment]!])[1]!;
        });
      });
      return texts.map((_, t) =>
        selectTopics(
          labels.map((label, l) => ({ label, score: scores[t * labels.length + l]! })),
          cfg,
        ),
      );
    },
  };
}

/**
 * Topics from a multi-label classifier (a converted cardiffnlp/tweet-topic-21-multi): a
 * sigmoid per label, as tweetnlp does, with the model's own labels.
 */
export function classifierTopics(loaded: LoadedModel, cfg: TopicsConfig, maxTokens: number): TopicsRunner {
  const labels = labelsOf(loaded).map(prettyTopicLabel);
  const limit = Math.min(maxTokens, loaded.maxLength);
  return {
    async run(texts, opts) {
      if (!texts.length) return [];
      const encoded = encode(loaded.tokenizer, texts, limit);
      const out: Topic[][] = new Array(texts.length);
      await runBatches(loaded, encoded, opts, (logits, rows) => {
        rows.forEach((t, r) => {
          const row = logitsRow(logits, r);
          out[t] = selectTopics(
            labels.map((label, i) => ({ label, score: sigmoid(row[i]!) })),
            cfg,
          );
        });
      });
      return out;
    },
  };
}
