import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nlpSchema, type NlpConfig } from '@social-pulse/config';
import { TASKS, type NlpTaskName } from '../tasks/index.ts';
import { buildTinyModels, tinyModelOf, type TinyModels } from './tiny-models.ts';

/** `nlp:` settings as written in pulse.config.yaml (everything optional). */
export type NlpConfigInput = { [key: string]: unknown } & { [task in NlpTaskName]?: Record<string, unknown> };

/**
 * A validated `nlp` configuration that uses the tiny models in `dir` (zero-shot topics,
 * CoNLL NER, named sentiment labels), with `overrides` merged per section.
 */
export function tinyNlpConfig(dir: string, overrides: NlpConfigInput = {}): NlpConfig {
  return nlpSchema.parse({
    modelsDir: dir,
    threads: 1,
    ...overrides,
    ...Object.fromEntries(TASKS.map((t) => [t.name, { model: tinyModelOf(t), ...(overrides[t.name] as Record<string, unknown> | undefined) }])),
  });
}

/** Build the tiny models into a fresh temporary folder (under the OS temp dir, never the repo). */
export async function withTinyModels(): Promise<TinyModels & { config: (overrides?: NlpConfigInput) => NlpConfig }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-tiny-models-'));
  const built = await buildTinyModels(dir);
  return { ...built, config: (overrides) => tinyNlpConfig(dir, overrides) };
}
