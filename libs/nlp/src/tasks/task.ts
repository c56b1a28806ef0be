import type { NlpConfig } from '@social-pulse/config';
import type { LoadedModel, NlpLogger, PipelineTask } from '../models.ts';
import type { BatchOptions } from './run.ts';

/**
 * One NLP task: everything the enricher, the plan, `pulse models` and the tests need to know
 * about it, in its own file (`tasks/<name>.ts`), listed once in `TASKS` (tasks/index.ts).
 * Nothing else names a task: add one by writing its file and its line in `TASKS` (see
 * CONTRIBUTING.md for the config section, the post_nlp columns and the tiny test model).
 */
export interface NlpTask<Name extends string = string, Out = unknown> {
  /** The task's name: its key in the `nlp:` configuration and in `post_nlp.models`. */
  readonly name: Name;
  /** Its section of the configuration (`nlp.<name>`, declared in libs/config's nlpSchema). */
  config(nlp: NlpConfig): TaskSection;
  /** How transformers.js loads its model. */
  readonly pipeline: PipelineTask;
  /** The model used when its section names none. */
  defaultModel(nlp: NlpConfig): string;
  /**
   * The settings besides the model that change its output, hashed into its model version
   * (changing one relabels every post); undefined when there are none.
   */
  settings(nlp: NlpConfig): unknown;
  /** Prepare the loaded model for labelling: a runner from prepared texts to one output each. */
  prepare(loaded: LoadedModel, nlp: NlpConfig, log: NlpLogger): TaskRunner<Out>;
  /** The post_nlp columns it fills (libs/schema's postNlp), in the table's order. */
  readonly columns: readonly string[];
  /** Its output for one text as those columns; `undefined` (task disabled, nothing to label) gives the empty value of each. */
  toColumns(out: Out | undefined): Record<string, unknown>;
  /** Its output for one text in a few words (`pulse models verify`). */
  describe(out: Out): string;
  /** The tiny test model (a key of libs/nlp/testing's TINY_MODEL_IDS) that stands in for its model in tests. */
  readonly testModel: string;
}

/** The settings every task's section has (libs/config's `taskCommon`). */
export interface TaskSection {
  enabled: boolean;
  model?: string | undefined;
  revision: string;
}

export interface TaskRunner<Out> {
  run(texts: string[], opts: BatchOptions): Promise<Out[]>;
}

/** Any task, whatever its output (what the lists of tasks hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNlpTask = NlpTask<string, any>;

/** A task definition, checked against the interface with its name and output types kept. */
export const defineTask = <Name extends string, Out>(task: NlpTask<Name, Out>): NlpTask<Name, Out> => task;
