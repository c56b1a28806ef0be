import { ENTITY_TYPES } from '@social-pulse/schema';
import { z } from 'zod';

/**
 * The `nlp:` section of pulse.config.yaml. Every task is optional; leaving the section out
 * runs the defaults. libs/nlp documents what each setting does; the defaults are here.
 *
 * ```yaml
 * nlp:
 *   modelsDir: ./.pulse-models        # offline: load every model from this folder
 *   device: cpu                       # cpu | cuda | auto
 *   topics:
 *     labels: [orchestration, streaming, data quality]
 *     threshold: 0.6
 *   entities:
 *     dictionary:
 *       - { name: SQLMesh, type: product, aliases: [sqlmesh] }
 *   sentiment:
 *     enabled: false
 * ```
 */

const modelId = z
  .string()
  .trim()
  .min(1, 'expected a model id such as Xenova/bert-base-NER, or a folder path')
  .regex(/^[^\s]+$/, 'expected a model id without spaces');

/** Settings every task shares. */
const taskCommon = {
  /** Set false to skip the task (its output stays empty). */
  enabled: z.boolean().default(true),
  /** A hub model id with an ONNX port (`onnx/model.onnx`), or a folder under `modelsDir`. */
  model: modelId.optional(),
  /** Hub revision (branch, tag or commit); part of the model version, so changing it relabels. */
  revision: z.string().trim().min(1).default('main'),
};

export const topicsSchema = z
  .object({
    ...taskCommon,
    /**
     * `zero-shot` (default): an NLI model scores each of `labels` ("This post is about {label}.").
     * `classifier`: a multi-label classifier with its own labels, such as a converted
     * cardiffnlp/tweet-topic-21-multi (sigmoid per label); `labels` is then ignored.
     */
    mode: z.enum(['zero-shot', 'classifier']).default('zero-shot'),
    /** Candidate topics for zero-shot mode. Default: data-engineering topics (see libs/nlp). */
    labels: z
      .array(z.string().trim().min(1, 'must not be empty'), { error: 'expected a list of strings' })
      .min(1, 'expected at least one label')
      .optional(),
    /** The NLI hypothesis; `{}` is replaced by each label. */
    hypothesisTemplate: z
      .string()
      .refine((s) => s.includes('{}'), 'expected a template containing {}, e.g. "This post is about {}."')
      .default('This post is about {}.'),
    /** A topic is kept when its probability is at least this. */
    threshold: z.number().min(0).max(1).default(0.5),
    /** At most this many topics per post (highest first). */
    maxTopics: z.number().int().positive().default(5),
  })
  .strict();

export const dictionaryEntrySchema = z
  .object({
    /** The canonical name written to the entity (e.g. `PostgreSQL`). */
    name: z.string().trim().min(1),
    type: z.enum(ENTITY_TYPES),
    /** Other spellings matched on word boundaries (`postgres`, `psql`). */
    aliases: z.array(z.string().trim().min(1)).default([]),
    /** Match only as written (for names that are also common words: `Prefect`, `Arrow`). */
    caseSensitive: z.boolean().default(false),
  })
  .strict();

export const entitiesSchema = z
  .object({
    ...taskCommon,
    /** Model entities below this confidence are dropped. */
    minScore: z.number().min(0).max(1).default(0.6),
    /**
     * Model label → tweet-ner7 type, added to the built-in mapping (CoNLL, OntoNotes and
     * tweet-ner7 labels); `null` drops a label. E.g. `{ MISC: product }`.
     */
    labelMap: z.record(z.string().min(1), z.enum(ENTITY_TYPES).nullable()).default({}),
    /** Also match the built-in dictionary of data tools and companies. */
    builtinDictionary: z.boolean().default(true),
    /** More dictionary entries (an entry with a built-in name replaces it). */
    dictionary: z.array(dictionaryEntrySchema, { error: 'expected a list of { name, type, aliases }' }).default([]),
  })
  .strict();

export const sentimentSchema = z.object({ ...taskCommon }).strict();

export const nlpSchema = z
  .object({
    /** Set false to skip the NLP step entirely. */
    enabled: z.boolean().default(true),
    /**
     * Folder holding the models (`<modelsDir>/<org>/<name>/config.json, onnx/…`). When set
     * (or PULSE_MODELS_DIR is), models load from it only and nothing is downloaded.
     */
    modelsDir: z.string().trim().min(1).optional(),
    /** `cpu`, `cuda`, or `auto` (CUDA when its ONNX Runtime provider is installed, else CPU). */
    device: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
    /** Weights: `q8` (onnx/model_quantized.onnx, default: ~4x smaller, faster on CPU) or `fp32` (onnx/model.onnx). */
    dtype: z.enum(['q8', 'fp32', 'fp16', 'int8', 'uint8', 'q4']).default('q8'),
    /** ONNX Runtime intra-op threads; 0 = one per available core. Split evenly across `workers`. */
    threads: z.number().int().min(0).max(256).default(0),
    /**
     * Worker threads, each with its own copy of the models and `threads / workers` ONNX threads;
     * 0 = one per available core. Default 1: one set of models using every core through ONNX
     * Runtime's own threads (tools/bench/enrich compares both on your machine).
     */
    workers: z.number().int().min(0).max(64).default(1),
    /** Texts per inference batch (texts of similar length are batched together). */
    batchSize: z.number().int().positive().max(1024).default(16),
    /** Tokens per text given to a model (longer texts are truncated). */
    maxTokens: z.number().int().min(8).max(4096).default(128),
    /** Characters kept before tokenizing, so a huge post never reaches the tokenizer whole. */
    maxChars: z.number().int().min(16).default(2000),
    topics: topicsSchema.prefault({}),
    entities: entitiesSchema.prefault({}),
    sentiment: sentimentSchema.prefault({}),
  })
  .strict();

export type NlpConfig = z.infer<typeof nlpSchema>;
export type NlpTopicsConfig = z.infer<typeof topicsSchema>;
export type NlpEntitiesConfig = z.infer<typeof entitiesSchema>;
export type NlpDictionaryEntry = z.infer<typeof dictionaryEntrySchema>;
