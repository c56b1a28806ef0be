import { existsSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Tensor } from '@huggingface/transformers';
import type { NlpConfig } from '@social-pulse/config';
import { PulseError } from '@social-pulse/runtime';
import { loadTransformers } from './transformers.ts';

/**
 * Model loading: one function (`loadModel`) turns a model id into a ready pipeline, the
 * same way for the real hub models and for the tiny test models — from a local folder when
 * a models directory is set (nothing is downloaded then), int8 weights by default, on the
 * CPU with one ONNX Runtime intra-op thread per core, or on CUDA where configured.
 */

export type PipelineTask = 'text-classification' | 'token-classification';
export type Dtype = NlpConfig['dtype'];

/** Default models: each has an ONNX port (onnx/model.onnx and onnx/model_quantized.onnx) on the hub. */
export const DEFAULT_MODELS = {
  /** distilbert fine-tuned on MNLI (typeform/distilbert-base-uncased-mnli), ONNX port by Xenova. */
  topicsZeroShot: 'Xenova/distilbert-base-uncased-mnli',
  /** tweetnlp's topic model; no ONNX port on the hub: convert it (tools/models/convert-tweetnlp.md). */
  topicsClassifier: 'cardiffnlp/tweet-topic-21-multi',
  /** dslim/bert-base-NER (CoNLL-2003 labels), ONNX port by Xenova. */
  entities: 'Xenova/bert-base-NER',
  /** tweetnlp's sentiment model, cardiffnlp/twitter-roberta-base-sentiment-latest, ONNX port by Xenova. */
  sentiment: 'Xenova/twitter-roberta-base-sentiment-latest',
} as const;

export interface ModelSpec {
  /** The task's name (tasks/index.ts). */
  task: string;
  pipeline: PipelineTask;
  /** Hub id (`org/name`) or a folder path. */
  id: string;
  revision: string;
  dtype: Dtype;
}

/** PULSE_MODELS_DIR wins over `nlp.modelsDir`; relative paths are taken from the working directory. */
export function resolveModelsDir(config: Pick<NlpConfig, 'modelsDir'>, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = environment.PULSE_MODELS_DIR?.trim() || config.modelsDir;
  return dir ? path.resolve(dir) : undefined;
}

/** Whether a model id is a folder path rather than a hub id. */
export const isPath = (id: string) => id.startsWith('.') || path.isAbsolute(id);

/**
 * Where a model's files live offline. Matches the layout transformers.js' file cache writes
 * when `pulse models pull` downloads into the models directory: `<dir>/<org>/<name>/…` for
 * the main revision, `<dir>/<org>/<name>/<revision>/…` for any other.
 */
export function modelFolder(spec: Pick<ModelSpec, 'id' | 'revision'>, modelsDir: string | undefined): string | null {
  if (isPath(spec.id)) return path.resolve(spec.id);
  if (!modelsDir) return null;
  const base = path.join(modelsDir, ...spec.id.split('/'));
  return spec.revision === 'main' ? base : path.join(base, spec.revision);
}

const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4' };

/** The files a model folder must hold for this dtype. */
export function requiredFiles(dtype: Dtype): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`];
}

/** Required files absent from `folder`. */
export async function missingFiles(folder: string, dtype: Dtype): Promise<string[]> {
  const missing: string[] = [];
  for (const f of requiredFiles(dtype)) {
    const s = await stat(path.join(folder, f)).catch(() => null);
    if (!s?.isFile() || s.size === 0) missing.push(f);
  }
  return missing;
}

/**
 * Whether onnxruntime-node's CUDA execution provider library is installed. The npm package
 * ships only the CPU provider; the CUDA one is downloaded by its postinstall script (which
 * this project's .npmrc skips), so its presence is the test.
 */
export function cudaProviderInstalled(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false;
  try {
    const require = createRequire(import.meta.url);
    // Resolve through transformers.js, whose dependency onnxruntime-node is.
    const fromTransformers = createRequire(require.resolve('@huggingface/transformers'));
    const root = path.dirname(fromTransformers.resolve('onnxruntime-node/package.json'));
    const bin = path.join(root, 'bin');
    const napi = existsSync(bin) ? readdirSync(bin) : [];
    return napi.some((v) => existsSync(path.join(bin, v, 'linux', 'x64', 'libonnxruntime_providers_cuda.so')));
  } catch {
    return false;
  }
}

export interface NlpLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export const quietLogger: NlpLogger = { info() {}, warn() {} };

export interface RuntimeOptions {
  /** Offline folder (see `modelFolder`); undefined loads through the hub and its cache. */
  modelsDir: string | undefined;
  device: 'cpu' | 'cuda';
  /** ONNX Runtime intra-op threads. */
  threads: number;
  /** When true and no modelsDir is set, still never download (HF_HUB_OFFLINE=1). */
  offline: boolean;
}

/** Threads from config (0 = every core the process may use). */
export function threadCount(configured: number): number {
  return configured > 0 ? configured : Math.max(1, os.availableParallelism());
}

/** The narrow part of a transformers.js tokenizer that libs/nlp uses. */
export interface NlpTokenizer {
  (
    texts: string[],
    options: {
      text_pair?: string[];
      padding: false;
      truncation: boolean;
      max_length?: number;
      add_special_tokens?: boolean;
      return_tensor: false;
      return_token_type_ids?: boolean;
    },
  ): { input_ids: number[][]; attention_mask: number[][]; token_type_ids?: number[][] };
  decode(ids: number[], args?: { skip_special_tokens?: boolean }): string;
  get_vocab(): Map<string, number> | Record<string, number>;
  readonly pad_token_id: number | null | undefined;
  readonly all_special_ids: number[];
  readonly model_max_length: number;
}

/** The narrow part of a transformers.js model that libs/nlp uses. */
export interface NlpModel {
  (inputs: Record<string, Tensor>): Promise<{ logits: Tensor }>;
  readonly config: {
    id2label?: Record<string, string>;
    label2id?: Record<string, number>;
    max_position_embeddings?: number;
    model_type?: string;
  };
  dispose(): Promise<unknown>;
}

export interface LoadedModel {
  spec: ModelSpec;
  tokenizer: NlpTokenizer;
  model: NlpModel;
  /** Longest input (tokens, special tokens included) the model accepts. */
  maxLength: number;
  device: 'cpu' | 'cuda';
  dispose(): Promise<void>;
}

// transformers.js' own defaults, restored whenever a call does not override them (read from
// its env when it is first loaded, before any call changed it).
let HUB_DEFAULTS: { remoteHost: string; cacheDir: string | null; localModelPath: string } | undefined;

async function hubEnv(): Promise<Awaited<ReturnType<typeof loadTransformers>>['env']> {
  const { env } = await loadTransformers();
  HUB_DEFAULTS ??= { remoteHost: env.remoteHost, cacheDir: env.cacheDir, localModelPath: env.localModelPath };
  return env;
}

/**
 * Where transformers.js caches downloads when no models dir is set: its default, `.cache/` in
 * its package folder (found without loading it, so that checking which models are present
 * loads no ONNX Runtime), unless it is loaded already.
 */
export function defaultCacheDir(): string | undefined {
  if (HUB_DEFAULTS) return HUB_DEFAULTS.cacheDir ?? undefined;
  try {
    // transformers.js' own rule: the folder above the file it runs from.
    return path.join(path.dirname(path.dirname(createRequire(import.meta.url).resolve('@huggingface/transformers'))), '.cache') + path.sep;
  } catch {
    return undefined;
  }
}

/**
 * Configure transformers.js' global `env` for one load. It is process-wide state, so every
 * setting is made on every call rather than once: the enricher and `pulse models` may use
 * different folders in one process.
 */
export async function configureHub(runtime: Pick<RuntimeOptions, 'modelsDir' | 'offline'>, opts: LoadOptions = {}): Promise<void> {
  const env = await hubEnv();
  if (!HUB_DEFAULTS) throw new Error('unreachable: hubEnv sets HUB_DEFAULTS');
  env.allowLocalModels = true;
  env.localModelPath = runtime.modelsDir ?? HUB_DEFAULTS.localModelPath;
  env.remoteHost = opts.remoteHost ? opts.remoteHost.replace(/\/?$/, '/') : HUB_DEFAULTS.remoteHost;
  // Downloads land in the models dir itself: the file cache's layout is the offline layout.
  env.cacheDir = opts.download && runtime.modelsDir ? runtime.modelsDir : HUB_DEFAULTS.cacheDir;
  env.allowRemoteModels = opts.download ? true : !runtime.modelsDir && !runtime.offline;
}

/** Load one model (tokenizer + ONNX session), ready for batched inference. */
export interface LoadOptions {
  /** Download missing files into the models dir (pulse models pull). */
  download?: boolean;
  /** Hub root for downloads (a mirror, or a local server in tests). */
  remoteHost?: string;
  onProgress?: (p: { model: string; file: string; loaded: number; total: number }) => void;
}

export async function loadModel(spec: ModelSpec, runtime: RuntimeOptions, opts: LoadOptions = {}): Promise<LoadedModel> {
  const folder = modelFolder(spec, runtime.modelsDir);
  if (opts.download && isPath(spec.id)) {
    throw new PulseError(`model ${spec.id} (${spec.task}) is a local folder: there is nothing to download`);
  }
  if (folder && !opts.download) {
    const missing = await missingFiles(folder, spec.dtype);
    if (missing.length) {
      throw new PulseError(
        `model ${spec.id} (${spec.task}) is not in ${folder}: missing ${missing.join(', ')}. ` +
          'Run `pulse models pull` where the Hugging Face hub is reachable, copy the folder here, ' +
          'or convert the model yourself (tools/models/convert-tweetnlp.md).',
      );
    }
  }
  await configureHub(runtime, opts);
  const { pipeline } = await loadTransformers();
  // A folder path loads directly; a hub id resolves under env.localModelPath (offline) or the hub.
  const source = !opts.download && folder && (isPath(spec.id) || spec.revision !== 'main') ? folder : spec.id;
  const onProgress = opts.onProgress;
  const pipe = await pipeline(spec.pipeline, source, {
    revision: spec.revision,
    ...(onProgress
      ? {
          progress_callback: (p: { status: string; name?: string; file?: string; loaded?: number; total?: number }) => {
            if (p.status === 'progress' && p.file) onProgress({ model: spec.id, file: p.file, loaded: p.loaded ?? 0, total: p.total ?? 0 });
          },
        }
      : {}),
    dtype: spec.dtype,
    device: runtime.device,
    session_options: {
      intraOpNumThreads: runtime.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    },
  });
  // transformers.js types each pipeline's members loosely; these are the members used here.
  const { tokenizer, model } = pipe as unknown as { tokenizer: NlpTokenizer; model: NlpModel };
  const positions = model.config.max_position_embeddings;
  // RoBERTa reserves two positions for the padding offset (514 → 512 tokens).
  const byPositions = positions ? positions - (model.config.model_type?.includes('roberta') ? 2 : 0) : Infinity;
  const byTokenizer = Number.isFinite(tokenizer.model_max_length) && tokenizer.model_max_length < 1e6 ? tokenizer.model_max_length : Infinity;
  const limit = Math.min(byPositions, byTokenizer);
  const maxLength = Number.isFinite(limit) ? limit : 512;
  return {
    spec,
    tokenizer,
    model,
    maxLength,
    device: runtime.device,
    dispose: async () => {
      await pipe.dispose();
    },
  };
}

/**
 * Decide the device once per run. `auto` uses CUDA only when its provider is installed,
 * and says in one line when it falls back to the CPU; `cuda` without the provider is an error
 * that says how to install it.
 */
export function resolveDevice(requested: NlpConfig['device'], log: NlpLogger): 'cpu' | 'cuda' {
  if (requested === 'cpu') return 'cpu';
  const installed = cudaProviderInstalled();
  if (installed) return 'cuda';
  if (requested === 'cuda') {
    throw new PulseError(
      'nlp.device is cuda, but the ONNX Runtime CUDA provider is not installed: reinstall onnxruntime-node with ' +
        'ONNXRUNTIME_NODE_INSTALL=cuda12 (and without onnxruntime-node-install=skip in .npmrc) on a machine with CUDA 12, ' +
        'or set nlp.device to cpu or auto',
    );
  }
  log.info('nlp: device auto: the ONNX Runtime CUDA provider is not installed, using the CPU');
  return 'cpu';
}
