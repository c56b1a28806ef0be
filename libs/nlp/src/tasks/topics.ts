import type { NlpConfig } from '@social-pulse/config';
import type { PostNlp } from '@social-pulse/schema';
import { PulseError } from '@social-pulse/runtime';
import { bareIds, encode, logitsRow, sigmoid, softmax, specialTemplate, withSpecials, type Encoded } from '../batching.ts';
import { round4 } from '../entity-spans.ts';
import { DEFAULT_TOPIC_LABELS, prettyTopicLabel } from '../labels.ts';
import { DEFAULT_MODELS, type LoadedModel } from '../models.ts';
import { labelsOf, runBatches, type BatchOptions } from './run.ts';
import { defineTask } from './task.ts';

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

/** NLI models with an ONNX port on the hub, to suggest when a zero-shot model is not one (never the one that failed). */
const NLI_MODELS = [DEFAULT_MODELS.topicsZeroShot, 'Xenova/mobilebert-uncased-mnli', 'Xenova/nli-deberta-v3-xsmall'];

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
    const other = NLI_MODELS.find((id) => id.toLowerCase() !== loaded.spec.id.toLowerCase())!;
    throw new PulseError(
      `topics: ${loaded.spec.id} is not an NLI model (its labels are ${labelsOf(loaded).join(', ')}); ` +
        `zero-shot mode needs entailment and contradiction labels (e.g. ${other}), ` +
        'or set nlp.topics.mode to classifier',
    );
  }
  const labels = cfg.labels ?? DEFAULT_TOPIC_LABELS;
  const hypotheses = labels.map((l) => cfg.hypothesisTemplate.replace('{}', l));
  const tok = loaded.tokenizer;
  const limit = Math.min(maxTokens, loaded.maxLength);
  // Each premise and hypothesis is tokenized once and the pairs are put together from the
  // tokenizer's template: only the premise is cut, so every pair ends with its whole
  // hypothesis and the final special token (a tokenizer whose template cannot be learned is
  // asked pair by pair).
  const template = specialTemplate(tok, true);
  const hypothesisIds = bareIds(tok, hypotheses);
  const specials = template ? template.parts.reduce((n, p) => n + p.ids.length, 0) : 0;
  // A tiny token limit still leaves the premise a few tokens, within what the model accepts.
  const pairLimit = Math.min(loaded.maxLength, Math.max(limit, Math.max(...hypothesisIds.map((h) => h.length)) + specials + 8));

  return {
    async run(texts, opts) {
      if (!texts.length) return [];
      let encoded: Encoded[];
      if (template) {
        const premiseIds = bareIds(tok, texts);
        encoded = premiseIds.flatMap((p) => hypothesisIds.map((h) => withSpecials(template, p, h, pairLimit)));
      } else {
        const firsts = texts.flatMap((t) => hypotheses.map(() => t));
        encoded = encode(tok, firsts, pairLimit, texts.flatMap(() => hypotheses));
      }
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

/**
 * Topics: zero-shot with an NLI model over the configured labels (default), or a multi-label
 * topic classifier's own labels.
 */
export const topicsTask = defineTask({
  name: 'topics',
  config: (nlp) => nlp.topics,
  // An NLI model is a sequence classifier; the zero-shot pairing and batching happen here, so
  // it loads as one (and a non-NLI model gets our error, not a warning).
  pipeline: 'text-classification',
  defaultModel: (nlp) => (nlp.topics.mode === 'zero-shot' ? DEFAULT_MODELS.topicsZeroShot : DEFAULT_MODELS.topicsClassifier),
  settings: ({ topics: t }) =>
    t.mode === 'zero-shot'
      ? { mode: t.mode, labels: t.labels ?? DEFAULT_TOPIC_LABELS, template: t.hypothesisTemplate, threshold: t.threshold, max: t.maxTopics }
      : { mode: t.mode, threshold: t.threshold, max: t.maxTopics },
  prepare: (loaded, nlp) =>
    nlp.topics.mode === 'zero-shot' ? zeroShotTopics(loaded, nlp.topics, nlp.maxTokens) : classifierTopics(loaded, nlp.topics, nlp.maxTokens),
  columns: ['topics'],
  toColumns: (topics: Topic[] | undefined) => ({ topics: topics ?? [] }),
  describe: (topics) => topics.map((t) => `${t.label} ${t.score.toFixed(2)}`).join(', ') || '(no topic above the threshold)',
  testModel: 'nli',
});
