import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NlpConfig } from '@social-pulse/config';
import { describeError, PulseError } from '@social-pulse/runtime';
import {
  defaultCacheDir,
  loadModel,
  missingFiles,
  modelFolder,
  resolveModelsDir,
  threadCount,
  type Dtype,
  type LoadedModel,
  type NlpLogger,
  type RuntimeOptions,
} from './models.ts';
import { prepareText } from './prepare.ts';
import { modelSpecs, taskNamed, type AnyNlpTask } from './tasks/index.ts';

/**
 * What `pulse models list|pull|verify` needs: which configured models are present (with the
 * files they need), downloading them into the models directory through transformers.js'
 * own file cache, and loading each one to run one inference.
 */

export interface ModelStatus {
  /** The task's name (tasks/index.ts). */
  task: string;
  id: string;
  revision: string;
  dtype: Dtype;
  /** Where its files are looked for; null when neither a models dir nor a cache dir is known. */
  folder: string | null;
  present: boolean;
  /** Required files that are absent (config.json, tokenizer.json, …, onnx/model_quantized.onnx). */
  missing: string[];
  /** Size of the folder's files, when present. */
  bytes: number;
}

export interface ManageOptions {
  env?: NodeJS.ProcessEnv;
  /** The tasks whose models are meant (default TASKS; tests add a fixture task). */
  tasks?: readonly AnyNlpTask[];
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const s = await stat(path.join(e.parentPath, e.name)).catch(() => null);
    total += s?.size ?? 0;
  }
  return total;
}

/** The configured models and whether each is present with the files it needs. */
export async function listModels(config: NlpConfig, opts: ManageOptions = {}): Promise<ModelStatus[]> {
  const modelsDir = resolveModelsDir(config, opts.env ?? process.env);
  // Without a models dir, transformers.js keeps downloads in its own cache with the same layout.
  const lookIn = modelsDir ?? defaultCacheDir();
  const out: ModelStatus[] = [];
  for (const spec of modelSpecs(config, opts.tasks)) {
    const folder = modelFolder(spec, lookIn);
    const missing = folder ? await missingFiles(folder, spec.dtype) : ['config.json'];
    const present = missing.length === 0;
    out.push({
      task: spec.task,
      id: spec.id,
      revision: spec.revision,
      dtype: spec.dtype,
      folder,
      present,
      missing,
      bytes: present && folder ? await folderBytes(folder) : 0,
    });
  }
  return out;
}

export interface PullOptions extends ManageOptions {
  /** Hub root (default HF_ENDPOINT, else https://huggingface.co). */
  remoteHost?: string;
  /** Download progress per file. */
  onProgress?: (p: { model: string; file: string; loaded: number; total: number }) => void;
}

export interface PullResult extends ModelStatus {
  /** True when files were downloaded by this call. */
  pulled: boolean;
  error?: string;
}

/**
 * Download the configured models that are missing into the models directory (PULSE_MODELS_DIR
 * or `nlp.modelsDir`), through transformers.js' file cache, so that later runs load them
 * offline. Needs the hub (or a mirror at `remoteHost`) to be reachable.
 */
export async function pullModels(config: NlpConfig, opts: PullOptions = {}): Promise<PullResult[]> {
  const environment = opts.env ?? process.env;
  const modelsDir = resolveModelsDir(config, environment);
  if (!modelsDir) {
    throw new PulseError('pulse models pull needs a models directory: set PULSE_MODELS_DIR or nlp.modelsDir (e.g. ./.pulse-models)');
  }
  const remoteHost = opts.remoteHost ?? environment.HF_ENDPOINT?.trim() ?? undefined;
  const runtime: RuntimeOptions = { modelsDir, device: 'cpu', threads: 1, offline: false };
  const results: PullResult[] = [];
  for (const status of await listModels(config, { env: environment })) {
    if (status.present) {
      results.push({ ...status, pulled: false });
      continue;
    }
    const spec = modelSpecs(config, opts.tasks).find((s) => s.task === status.task)!;
    try {
      const loaded = await loadModel(spec, runtime, {
        download: true,
        ...(remoteHost ? { remoteHost } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      await loaded.dispose();
      const missing = await missingFiles(status.folder ?? modelsDir, spec.dtype);
      results.push({ ...status, present: !missing.length, missing, bytes: await folderBytes(status.folder ?? modelsDir), pulled: true });
    } catch (e) {
      results.push({ ...status, pulled: false, error: describeError(e) });
    }
  }
  return results;
}

export interface VerifyResult {
  /** The task's name (tasks/index.ts). */
  task: string;
  id: string;
  ok: boolean;
  /** Load and one inference, in milliseconds. */
  ms: number;
  /** What the model said about the sample post, in a few words. */
  output?: string;
  /** What the model did that labels will silently lack (an entity label mapped to no type). */
  warnings?: string[];
  error?: string;
}

/** A post that every task has something to say about. */
export const VERIFY_SAMPLE =
  'Moved our nightly ETL from Airflow to Dagster last week, and streaming Kafka straight into Snowflake is great! @dataeng https://example.com/post';

async function sampleOutput(loaded: LoadedModel, config: NlpConfig, log: NlpLogger, tasks?: readonly AnyNlpTask[]): Promise<string> {
  const text = prepareText(VERIFY_SAMPLE, { maxChars: config.maxChars });
  const task = taskNamed(loaded.spec.task, tasks);
  const [out] = await task.prepare(loaded, config, log).run([text], { batchSize: 1, sorted: true });
  return task.describe(out);
}

/** Load each configured model (offline when a models dir is set) and run it on one sample post. */
export async function verifyModels(config: NlpConfig, opts: ManageOptions = {}): Promise<VerifyResult[]> {
  const environment = opts.env ?? process.env;
  const runtime: RuntimeOptions = {
    modelsDir: resolveModelsDir(config, environment),
    device: 'cpu',
    threads: threadCount(config.threads),
    offline: environment.HF_HUB_OFFLINE === '1',
  };
  const out: VerifyResult[] = [];
  for (const spec of modelSpecs(config, opts.tasks)) {
    const started = Date.now();
    let loaded: LoadedModel | undefined;
    const warnings: string[] = [];
    try {
      loaded = await loadModel(spec, runtime);
      const output = await sampleOutput(loaded, config, { info() {}, warn: (m) => warnings.push(m.replace(/^nlp: /, '')) }, opts.tasks);
      out.push({ task: spec.task, id: spec.id, ok: true, ms: Date.now() - started, output, ...(warnings.length ? { warnings } : {}) });
    } catch (e) {
      out.push({ task: spec.task, id: spec.id, ok: false, ms: Date.now() - started, error: describeError(e) });
    } finally {
      await loaded?.dispose();
    }
  }
  return out;
}
