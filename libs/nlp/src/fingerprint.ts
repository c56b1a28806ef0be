import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NlpConfig } from '@social-pulse/config';
import { defaultCacheDir, modelFolder, requiredFiles, resolveModelsDir, type Dtype } from './models.ts';
import { modelVersions, type ModelVersion } from './plan.ts';
import { modelSpecs, TASKS, type AnyNlpTask } from './tasks/index.ts';

/**
 * A model's version must change when the files that decide its output change, not only its
 * id, revision or dtype: a user who downloads a new snapshot over the old one, or converts a
 * model again into the same folder, must get new labels. The fingerprint is a hash of those
 * files (the config with the labels, the tokenizer and its settings, the ONNX weights of the
 * chosen dtype). Hashing a large model takes seconds, so each file's hash is kept, per
 * process and in `.pulse-fingerprint.json` beside the model, under its size, inode,
 * modification and change times: a file rewritten in any way (even given back its old size
 * and mtime, which `cp -p` does) gets a new change time and is hashed again.
 */

const CACHE_FILE = '.pulse-fingerprint.json';

interface FileStamp {
  /** size:inode:mtimeNs:ctimeNs */
  stamp: string;
  sha256: string;
}

type CacheFile = Record<string, FileStamp>;

const memo = new Map<string, FileStamp>();

/** The files that decide a model's output for `dtype`: the required ones, and the ONNX external-data file when there is one. */
function decidingFiles(dtype: Dtype): string[] {
  const files = requiredFiles(dtype);
  const onnx = files.find((f) => f.endsWith('.onnx'))!;
  return [...files, `${onnx}_data`];
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function readCache(folder: string): Promise<CacheFile> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path.join(folder, CACHE_FILE), 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as CacheFile) : {};
  } catch {
    return {};
  }
}

async function writeCache(folder: string, cache: CacheFile): Promise<void> {
  // Best effort (a read-only models folder is fine: the hashes are then kept per process).
  const tmp = path.join(folder, `${CACHE_FILE}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(cache, null, 2)}\n`);
    await rename(tmp, path.join(folder, CACHE_FILE));
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/**
 * The fingerprint of the model in `folder` for `dtype` (12 hex digits), or null when none of
 * its files is there (a hub model not downloaded yet).
 */
export async function modelFingerprint(folder: string, dtype: Dtype): Promise<string | null> {
  const cache = await readCache(folder);
  let changed = false;
  const lines: string[] = [];
  for (const name of decidingFiles(dtype)) {
    const file = path.join(folder, name);
    const s = await stat(file, { bigint: true }).catch(() => null);
    if (!s?.isFile()) continue;
    const stamp = `${s.size}:${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
    let known = memo.get(file);
    if (known?.stamp !== stamp) known = cache[name]?.stamp === stamp ? cache[name] : undefined;
    if (!known) {
      known = { stamp, sha256: await sha256File(file) };
      cache[name] = known;
      changed = true;
    }
    memo.set(file, known);
    lines.push(`${name}\t${s.size}\t${known.sha256}\n`);
  }
  if (!lines.length) return null;
  if (changed) await writeCache(folder, cache);
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 12);
}

/**
 * `modelVersions` with each model's file fingerprint appended (`… files:<12 hex>`) where its
 * files are found: in the models folder, or transformers.js' cache when none is set. This is
 * what `post_nlp.models` stores and what decides whether a post is labelled again.
 */
export async function resolveModelVersions(
  config: NlpConfig,
  environment: NodeJS.ProcessEnv = process.env,
  tasks: readonly AnyNlpTask[] = TASKS,
): Promise<ModelVersion[]> {
  const lookIn = resolveModelsDir(config, environment) ?? defaultCacheDir();
  const specs = modelSpecs(config, tasks);
  return Promise.all(
    modelVersions(config, tasks).map(async (v, i) => {
      const spec = specs[i]!;
      const folder = modelFolder(spec, lookIn);
      const fingerprint = folder ? await modelFingerprint(folder, spec.dtype) : null;
      return fingerprint ? { ...v, model: `${v.model} files:${fingerprint}` } : v;
    }),
  );
}
