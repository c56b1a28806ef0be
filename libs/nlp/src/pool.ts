import { Worker } from 'node:worker_threads';
import os from 'node:os';
import type { NlpConfig } from '@social-pulse/config';
import { PulseError } from '@social-pulse/runtime';
import { createEnricher, enricherOver, type Enricher, type EnricherOptions } from './enricher.ts';
import type { Labeller, LabellerOptions, Labels } from './labeller.ts';
import { quietLogger, resolveDevice, threadCount } from './models.ts';
import { modelVersions, type ModelVersion } from './plan.ts';
import { TASKS } from './tasks/index.ts';
import type { FromWorker, PoolWorkerData, ToWorker } from './pool-worker.ts';

/** How long closing waits for the workers to release their sessions and end before terminating them (a stuck worker only). */
const CLOSE_GRACE_MS = 120_000;

/** `nlp.workers` (0 = one per available core). */
export function workerCount(configured: number): number {
  return configured > 0 ? configured : Math.max(1, os.availableParallelism());
}

/**
 * An enricher that spreads the work over worker threads, each with its own ONNX sessions and
 * an equal share of the ONNX threads (`nlp.workers`). With one worker it is `createEnricher`
 * itself. It is the enricher (plan, cache, identical texts computed once) over a pool of
 * labellers: each distinct text is computed once across all workers, and texts are dealt out
 * longest first so that every worker gets a similar load. Workers run `TASKS`.
 */
export async function createEnricherPool(config: NlpConfig, opts: EnricherOptions & { workers?: number } = {}): Promise<Enricher> {
  const n = workerCount(opts.workers ?? config.workers);
  if (n <= 1) return createEnricher(config, opts);
  if (opts.tasks && opts.tasks !== TASKS) throw new PulseError('nlp: worker threads run TASKS only; other tasks run with one worker');
  return enricherOver(await createLabellerPool(config, opts, n), config, opts);
}

async function createLabellerPool(config: NlpConfig, opts: LabellerOptions, n: number): Promise<Labeller> {
  const log = opts.log ?? quietLogger;
  const environment = opts.env ?? process.env;
  // Decide the device once, here: a worker must not fall back on its own.
  const device = resolveDevice(config.device, log);
  const threads = Math.max(1, Math.floor(threadCount(opts.threads ?? config.threads) / n));
  const env = Object.fromEntries(['PULSE_MODELS_DIR', 'HF_HUB_OFFLINE', 'HF_ENDPOINT'].flatMap((k) => (environment[k] !== undefined ? [[k, environment[k]]] : [])));
  const data: PoolWorkerData = { config: { ...config, device }, threads, env, sortByLength: opts.sortByLength ?? true };
  const workers = Array.from({ length: n }, () => new Worker(new URL('./pool-worker.mjs', import.meta.url), { workerData: data }));

  const listeners = new Set<(w: number, m: FromWorker) => void>();
  const warned = new Set<string>();
  let broken: Error | undefined;
  let closing: Promise<void> | undefined;
  const exited = workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
  const fail = (i: number, message: string) => {
    broken ??= new PulseError(`nlp worker ${i}: ${message}`);
    listeners.forEach((l) => l(i, { type: 'failed', error: message }));
  };
  workers.forEach((w, i) => {
    w.on('message', (m: FromWorker) => {
      // Every worker loads the same models: say each warning once.
      if (m.type === 'warn') {
        if (!warned.has(m.message)) log.warn(m.message);
        warned.add(m.message);
      } else listeners.forEach((l) => l(i, m));
    });
    w.on('error', (e) => fail(i, e.message));
    w.on('exit', (code) => {
      if (!closing) fail(i, `the worker thread ended (exit code ${code})`);
    });
  });

  /**
   * Ask every worker to finish, release its ONNX sessions and end, and wait until each has.
   * Terminating a worker that holds sessions (or is creating one) frees them while its Node
   * environment is torn down, which can abort the whole process from native code
   * ("terminate called after throwing an instance of 'Napi::Error'"). Only a worker still
   * running long after (stuck in native code) is terminated, with a warning.
   */
  const close = () =>
    (closing ??= (async () => {
      for (const w of workers) w.postMessage({ type: 'close' } satisfies ToWorker);
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<'stuck'>((resolve) => {
        timer = setTimeout(() => resolve('stuck'), CLOSE_GRACE_MS);
      });
      try {
        if ((await Promise.race([Promise.all(exited), stuck])) === 'stuck') {
          log.warn(`nlp: a worker thread did not end within ${CLOSE_GRACE_MS / 1000} s of closing: terminating it`);
          await Promise.all(workers.map((w) => w.terminate()));
        }
      } finally {
        clearTimeout(timer);
      }
    })());

  let usedDevice: 'cpu' | 'cuda' = device;
  let models: ModelVersion[] = modelVersions(config);
  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    const l = (_: number, m: FromWorker) => {
      if (m.type === 'failed') {
        listeners.delete(l);
        reject(new PulseError(m.error));
      } else if (m.type === 'ready') {
        usedDevice = m.device;
        // The same files for every worker, so the same fingerprints.
        models = m.models;
        if (++ready === n) {
          listeners.delete(l);
          resolve();
        }
      }
    };
    listeners.add(l);
  }).catch(async (e: unknown) => {
    // Workers still loading finish loading, then close like the others.
    await close();
    throw e;
  });
  log.info(`nlp: ${n} worker threads with ${threads} ONNX threads each, on ${usedDevice}`);

  let nextId = 0;

  return {
    models,
    device: usedDevice,
    close,

    async label(texts, onBatch) {
      if (broken) throw broken;
      if (closing) throw new PulseError('nlp: the enricher pool is closed');
      // Longest first, dealt out in turn: every worker gets a similar load.
      const order = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length || a - b);
      const shares: number[][] = Array.from({ length: n }, () => []);
      order.forEach((idx, k) => shares[k % n]!.push(idx));
      const out: Labels[] = new Array(texts.length);
      const ids = shares.map(() => nextId++);
      await new Promise<void>((resolve, reject) => {
        let pending = shares.filter((s) => s.length).length;
        if (!pending) resolve();
        const l = (w: number, m: FromWorker) => {
          if (m.type === 'failed') {
            listeners.delete(l);
            reject(new PulseError(`nlp worker ${w}: ${m.error}`));
          } else if (m.type === 'batch' && m.id === ids[w]) {
            // The worker's indices are into its share.
            const indices = m.indices.map((k) => shares[w]![k]!);
            indices.forEach((k, j) => (out[k] = m.labels[j]!));
            onBatch?.({ indices, labels: m.labels });
          } else if (m.type === 'done' && m.id === ids[w] && --pending === 0) {
            listeners.delete(l);
            resolve();
          }
        };
        listeners.add(l);
        shares.forEach((share, w) => {
          if (share.length) workers[w]!.postMessage({ type: 'label', id: ids[w]!, texts: share.map((i) => texts[i]!) } satisfies ToWorker);
        });
      });
      return out;
    },
  };
}
