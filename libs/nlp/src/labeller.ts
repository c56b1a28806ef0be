import type { NlpConfig } from '@social-pulse/config';
import { PulseError } from '@social-pulse/runtime';
import { encode } from './batching.ts';
import { resolveModelVersions } from './fingerprint.ts';
import {
  loadModel,
  quietLogger,
  resolveDevice,
  resolveModelsDir,
  threadCount,
  type LoadedModel,
  type ModelSpec,
  type NlpLogger,
  type RuntimeOptions,
} from './models.ts';
import type { ModelVersion } from './plan.ts';
import { modelSpecs, taskNamed, TASKS, type AnyNlpTask, type TaskRunner } from './tasks/index.ts';

/** The post_nlp columns of every task for one text (`topics`, `entities`, `sentiment`, …). */
export type Labels = Record<string, unknown>;

/** One batch of texts labelled: their indices in the texts given, and their labels. */
export interface LabelledBatch {
  indices: number[];
  labels: Labels[];
}

/**
 * Texts → labels: the loaded models of the enabled tasks, and nothing about posts, hashes or
 * caches (that is the Enricher's part, shared by the one-thread enricher and the worker pool).
 */
export interface Labeller {
  /** The model version of each enabled task, as stored in `post_nlp.models`. */
  readonly models: readonly ModelVersion[];
  readonly device: 'cpu' | 'cuda';
  /**
   * Label prepared texts (each with content); the result is in the order of `texts`.
   * `onBatch` is told each batch as soon as it is labelled, in whatever order they finish.
   */
  label(texts: readonly string[], onBatch?: (batch: LabelledBatch) => void): Promise<Labels[]>;
  /** Release the ONNX sessions. */
  close(): Promise<void>;
}

export interface LabellerOptions {
  log?: NlpLogger;
  /** Environment for PULSE_MODELS_DIR and HF_HUB_OFFLINE (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Sort texts by token length before batching (default true; the benchmark turns it off to measure it). */
  sortByLength?: boolean;
  /** Override `nlp.threads` (the benchmark compares thread counts). */
  threads?: number;
  /** The tasks to run (default TASKS; tests add a fixture task). */
  tasks?: readonly AnyNlpTask[];
}

/** The labels of a text no task labelled: every task's empty columns. */
export function emptyLabels(tasks: readonly AnyNlpTask[] = TASKS): Labels {
  return Object.assign({}, ...tasks.map((t) => t.toColumns(undefined))) as Labels;
}

async function loadAll(specs: ModelSpec[], runtime: RuntimeOptions, auto: boolean, log: NlpLogger): Promise<LoadedModel[]> {
  const loaded: LoadedModel[] = [];
  const failures: Error[] = [];
  // Every model is tried, so that one error names all that are broken, not only the first.
  for (const spec of specs) {
    try {
      loaded.push(await loadModel(spec, runtime));
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (!failures.length) return loaded;
  await Promise.all(loaded.map((m) => m.dispose()));
  const e = failures.length === 1 ? failures[0]! : allFailures(failures);
  if (!(auto && runtime.device === 'cuda')) throw e;
  // The provider is installed but CUDA would not start (no GPU, driver mismatch): say so once.
  log.warn(`nlp: device auto: CUDA failed to start (${e.message.split('\n')[0]}), using the CPU`);
  return loadAll(specs, { ...runtime, device: 'cpu' }, false, log);
}

/** One error for several models: what is wrong with each, and each distinct piece of advice once. */
function allFailures(failures: Error[]): PulseError {
  const split = failures.map((f) => {
    const [what, ...advice] = f.message.replace(/\.$/, '').split(/\.\s+(?=[A-Z`])/);
    return { what: what!, advice: advice.join('. ') };
  });
  const advice = [...new Set(split.map((s) => s.advice).filter(Boolean))];
  return new PulseError(
    `${split.map((s) => s.what).join('; ')}${advice.length ? `. ${advice.join('. ')}.` : ''}`,
    1,
    { cause: failures[0] },
  );
}

/**
 * Load the configured models once, in this thread, and return a labeller that labels texts
 * in chunks of `nlp.batchSize` of similar token length, every task over each chunk.
 */
export async function createLabeller(config: NlpConfig, opts: LabellerOptions = {}): Promise<Labeller> {
  const log = opts.log ?? quietLogger;
  const environment = opts.env ?? process.env;
  const sorted = opts.sortByLength ?? true;
  const tasks = opts.tasks ?? TASKS;
  const specs = modelSpecs(config, tasks);
  const device = specs.length ? resolveDevice(config.device, log) : 'cpu';
  const runtime: RuntimeOptions = {
    modelsDir: resolveModelsDir(config, environment),
    device,
    threads: threadCount(opts.threads ?? config.threads),
    offline: environment.HF_HUB_OFFLINE === '1',
  };
  const loaded = await loadAll(specs, runtime, config.device === 'auto', log);
  let models: ModelVersion[];
  const runners: { task: AnyNlpTask; runner: TaskRunner<unknown> }[] = [];
  try {
    // After loading: a hub model's files are in the cache only once it has been downloaded.
    models = await resolveModelVersions(config, environment, tasks);
    for (const m of loaded) {
      const task = taskNamed(m.spec.task, tasks);
      runners.push({ task, runner: task.prepare(m, config, log) });
    }
  } catch (err) {
    await Promise.all(loaded.map((m) => m.dispose()));
    throw err;
  }
  const usedDevice = loaded[0]?.device ?? device;
  log.info(
    `nlp: ${loaded.length ? loaded.map((m) => `${m.spec.task}=${m.spec.id}`).join(', ') : 'no task enabled'} on ${usedDevice} ` +
      `(${runtime.threads} threads, ${config.dtype}${runtime.modelsDir ? `, from ${runtime.modelsDir}` : ''})`,
  );
  const batchOpts = { batchSize: config.batchSize, sorted };
  // A tokenizer to order texts by length before cutting them into chunks.
  const lengthModel = loaded[0];

  // One task after the other: ONNX Runtime's Node binding runs a session on the main
  // thread, so running them "concurrently" would only interleave them.
  // A disabled task (no runner) fills its columns with their empty values.
  const runnerOf = tasks.map((t) => runners.findIndex((r) => r.task === t));
  async function labelChunk(texts: string[]): Promise<Labels[]> {
    const outs: unknown[][] = [];
    for (const { runner } of runners) outs.push(await runner.run(texts, batchOpts));
    return texts.map((_, i) => Object.assign({}, ...tasks.map((t, k) => t.toColumns(outs[runnerOf[k]!]?.[i]))) as Labels);
  }

  return {
    models,
    device: usedDevice,
    async close() {
      await Promise.all(loaded.map((m) => m.dispose()));
    },
    async label(texts, onBatch) {
      const order = texts.map((_, i) => i);
      if (sorted && lengthModel && texts.length > 1) {
        const lengths = encode(lengthModel.tokenizer, [...texts], lengthModel.maxLength).map((e) => e.ids.length);
        order.sort((a, b) => lengths[b]! - lengths[a]! || a - b);
      }
      const out: Labels[] = new Array(texts.length);
      // Chunks of similar length (each task batches within a chunk), each told when done.
      for (let i = 0; i < order.length; i += config.batchSize) {
        const indices = order.slice(i, i + config.batchSize);
        const labels = await labelChunk(indices.map((k) => texts[k]!));
        indices.forEach((k, j) => (out[k] = labels[j]!));
        onBatch?.({ indices, labels });
      }
      return out;
    },
  };
}
