import { Worker } from 'node:worker_threads';
import os from 'node:os';
import type { NlpConfig } from '@social-pulse/config';
import { PulseError } from '@social-pulse/runtime';
import type { PostNlp } from '@social-pulse/schema';
import { createEnricher, type Enricher, type EnricherOptions, type EnricherStats } from './enricher.ts';
import { quietLogger, resolveDevice, threadCount } from './models.ts';
import { modelVersions, planEnrichment, textHash, type ModelVersion } from './plan.ts';
import { postText, prepareText } from './prepare.ts';
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
 * itself. Identical texts are deduplicated here, before they are sent, so each distinct text
 * is computed once across all workers; texts are dealt out longest first so that every
 * worker gets a similar load.
 */
export async function createEnricherPool(config: NlpConfig, opts: EnricherOptions & { workers?: number } = {}): Promise<Enricher> {
  const n = workerCount(opts.workers ?? config.workers);
  if (n <= 1) return createEnricher(config, opts);
  const log = opts.log ?? quietLogger;
  const environment = opts.env ?? process.env;
  const now = opts.now ?? (() => new Date());
  const cacheSize = opts.cacheSize ?? 10_000;
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

  const cache = new Map<string, PostNlp>();
  const stats: EnricherStats = { textsComputed: 0, postsLabelled: 0, cacheHits: 0 };
  let nextId = 0;

  return {
    models,
    device: usedDevice,
    plan: (posts, existing) => planEnrichment(posts, existing, config, models),
    stats: () => ({ ...stats }),
    close,

    async enrich(items, onProgress) {
      if (broken) throw broken;
      if (closing) throw new PulseError('nlp: the enricher pool is closed');
      const started = Date.now();
      const enrichedAt = now().toISOString();
      const prepared = items.map((it) => prepareText(postText(it), { maxChars: config.maxChars }));
      const hashes = prepared.map((p) => textHash(p, models));
      // One representative per distinct text not in the cache.
      const reps = new Map<string, number>();
      hashes.forEach((h, i) => {
        if (cache.has(h)) stats.cacheHits++;
        else if (!reps.has(h)) reps.set(h, i);
      });
      const order = [...reps.values()].sort((a, b) => prepared[b]!.length - prepared[a]!.length || a - b);
      const shares: number[][] = Array.from({ length: n }, () => []);
      order.forEach((idx, k) => shares[k % n]!.push(idx));

      const done = new Array<number>(n).fill(0);
      const report = () => {
        if (!onProgress) return;
        // Distinct texts computed, scaled to posts (a text stands for every post that has it).
        const computed = done.reduce((a, b) => a + b, 0);
        const finished = order.length ? Math.min(items.length, Math.round((computed / order.length) * items.length)) : items.length;
        const elapsedMs = Date.now() - started;
        const rate = elapsedMs > 0 ? (finished / elapsedMs) * 1000 : 0;
        onProgress({ done: finished, total: items.length, elapsedMs, rate, etaMs: rate > 0 ? ((items.length - finished) / rate) * 1000 : null });
      };
      const ids = shares.map(() => nextId++);
      const results = await new Promise<PostNlp[][]>((resolve, reject) => {
        const out: (PostNlp[] | undefined)[] = new Array(n);
        let pending = shares.filter((s) => s.length).length;
        if (!pending) resolve([]);
        const l = (w: number, m: FromWorker) => {
          if (m.type === 'failed') {
            listeners.delete(l);
            reject(new PulseError(`nlp worker ${w}: ${m.error}`));
          } else if (m.type === 'progress' && m.id === ids[w]) {
            done[w] = m.done;
            report();
          } else if (m.type === 'done' && m.id === ids[w]) {
            out[w] = m.rows;
            stats.textsComputed += m.textsComputed;
            if (--pending === 0) {
              listeners.delete(l);
              resolve(out.map((r) => r ?? []));
            }
          }
        };
        listeners.add(l);
        shares.forEach((share, w) => {
          if (share.length) workers[w]!.postMessage({ type: 'enrich', id: ids[w]!, items: share.map((i) => ({ post_id: items[i]!.post_id, created_at: items[i]!.created_at, text: items[i]!.text, title: items[i]!.title ?? null })) } satisfies ToWorker);
        });
      });
      const byHash = new Map(results.flat().map((r) => [r.text_hash, r]));
      const rows = items.map((it, i) => {
        const l = byHash.get(hashes[i]!) ?? cache.get(hashes[i]!)!;
        return { ...structuredClone(l), post_id: it.post_id, created_at: it.created_at, enriched_at: enrichedAt };
      });
      // Remembered for later calls (the enrich step calls once per chunk), oldest dropped first.
      for (const [hash, row] of byHash) {
        cache.delete(hash);
        cache.set(hash, row);
      }
      while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      stats.postsLabelled += items.length;
      report();
      return rows;
    },
  };
}
