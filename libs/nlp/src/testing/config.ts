import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nlpSchema, type NlpConfig } from '@social-pulse/config';
import { buildTinyModels, TINY_MODEL_IDS, type TinyModels } from './tiny-models.ts';

/** `nlp:` settings as written in pulse.config.yaml (everything optional). */
export interface NlpConfigInput {
  [key: string]: unknown;
  topics?: Record<string, unknown>;
  entities?: Record<string, unknown>;
  sentiment?: Record<string, unknown>;
}

/**
 * A validated `nlp` configuration that uses the tiny models in `dir` (zero-shot topics,
 * CoNLL NER, named sentiment labels), with `overrides` merged per section.
 */
export function tinyNlpConfig(dir: string, overrides: NlpConfigInput = {}): NlpConfig {
  const { topics, entities, sentiment, ...top } = overrides;
  return nlpSchema.parse({
    modelsDir: dir,
    threads: 1,
    ...top,
    topics: { model: TINY_MODEL_IDS.nli, ...topics },
    entities: { model: TINY_MODEL_IDS.ner, ...entities },
    sentiment: { model: TINY_MODEL_IDS.sentiment, ...sentiment },
  });
}

/** Build the tiny models into a fresh temporary folder (under the OS temp dir, never the repo). */
export async function withTinyModels(): Promise<TinyModels & { config: (overrides?: NlpConfigInput) => NlpConfig }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-tiny-models-'));
  const built = await buildTinyModels(dir);
  return { ...built, config: (overrides) => tinyNlpConfig(dir, overrides) };
}
