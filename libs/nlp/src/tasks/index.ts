import path from 'node:path';
import type { NlpConfig } from '@social-pulse/config';
import { isPath, type ModelSpec } from '../models.ts';
import { entitiesTask } from './entities.ts';
import { sentimentTask } from './sentiment.ts';
import type { AnyNlpTask, TaskSection } from './task.ts';
import { topicsTask } from './topics.ts';

/**
 * Every NLP task, in the order they run and their columns stand in post_nlp. The one list:
 * model specs, model versions, labels, `pulse models` and the tiny test models derive from it.
 */
export const TASKS = [topicsTask, entitiesTask, sentimentTask] as const;

export type NlpTaskName = (typeof TASKS)[number]['name'];
export const NLP_TASKS: readonly NlpTaskName[] = TASKS.map((t) => t.name);

/** The task of a model spec or version, among `tasks`. */
export function taskNamed(name: string, tasks: readonly AnyNlpTask[] = TASKS): AnyNlpTask {
  const task = tasks.find((t) => t.name === name);
  if (!task) throw new Error(`no NLP task named ${name} (tasks: ${tasks.map((t) => t.name).join(', ')})`);
  return task;
}

/** The models the configuration asks for, one per enabled task. */
export function modelSpecs(config: NlpConfig, tasks: readonly AnyNlpTask[] = TASKS): ModelSpec[] {
  if (!config.enabled) return [];
  return tasks.flatMap((task) => {
    const section = task.config(config);
    if (!section.enabled) return [];
    return [{ task: task.name, pipeline: task.pipeline, id: section.model ?? task.defaultModel(config), revision: section.revision, dtype: config.dtype }];
  });
}

/**
 * The `nlp` section with its paths (`modelsDir`, folder-path model ids) taken from `baseDir`,
 * the configuration file's folder, like every other path in that file. PULSE_MODELS_DIR is
 * still taken from the working directory (see resolveModelsDir).
 */
export function nlpConfigRelativeTo(config: NlpConfig, baseDir: string, tasks: readonly AnyNlpTask[] = TASKS): NlpConfig {
  const abs = (p: string) => path.resolve(baseDir, p);
  const model = (section: TaskSection): TaskSection => (section.model && isPath(section.model) ? { ...section, model: abs(section.model) } : section);
  return {
    ...config,
    ...(config.modelsDir ? { modelsDir: abs(config.modelsDir) } : {}),
    // A task's section is `nlp.<name>` (checked by tasks.spec.ts).
    ...Object.fromEntries(tasks.map((t) => [t.name, model(t.config(config))])),
  };
}

export { defineTask, type AnyNlpTask, type NlpTask, type TaskRunner, type TaskSection } from './task.ts';
export { entitiesTask, sentimentTask, topicsTask };
