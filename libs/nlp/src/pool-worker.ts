/**
 * One worker of an enricher pool (see pool.ts): loads its own models with the ONNX threads
 * it is given, then labels the batches the main thread sends, reporting progress. On `close`
 * it finishes the batch in hand, releases its ONNX sessions and lets the thread end by
 * itself: a worker is never terminated while it holds native sessions.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NlpConfig } from '@social-pulse/config';
import { createEnricher, type Enricher } from './enricher.ts';
import type { EnrichItem, ModelVersion } from './plan.ts';

export interface PoolWorkerData {
  config: NlpConfig;
  threads: number;
  env: NodeJS.ProcessEnv;
  sortByLength: boolean;
}

export type ToWorker = { type: 'enrich'; id: number; items: EnrichItem[] } | { type: 'close' };
export type FromWorker =
  | { type: 'ready'; device: 'cpu' | 'cuda'; models: ModelVersion[] }
  | { type: 'failed'; error: string }
  | { type: 'warn'; message: string }
  | { type: 'progress'; id: number; done: number }
  | { type: 'done'; id: number; rows: Awaited<ReturnType<Enricher['enrich']>>; textsComputed: number };

const data = workerData as PoolWorkerData;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

let enricher: Enricher | undefined;
try {
  // No cache here: the pool sends each distinct text once. Warnings go to the pool, which says each once.
  enricher = await createEnricher(data.config, {
    threads: data.threads,
    env: data.env,
    sortByLength: data.sortByLength,
    cacheSize: 0,
    log: { info() {}, warn: (message) => send({ type: 'warn', message }) },
  });
  send({ type: 'ready', device: enricher.device, models: [...enricher.models] });
} catch (e) {
  // Nothing is listening on the port now, so the thread ends (a queued `close` is never read).
  send({ type: 'failed', error: (e as Error).message });
}

if (enricher) {
  const e = enricher;
  let work: Promise<unknown> = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      port.removeAllListeners('message');
      // After the batch in hand; then the sessions are released and the port closed, which ends the thread.
      void work
        .then(() => e.close())
        .catch((err: unknown) => send({ type: 'failed', error: (err as Error).message }))
        .finally(() => port.close());
      return;
    }
    work = work.then(async () => {
      const before = e.stats().textsComputed;
      try {
        const rows = await e.enrich(m.items, (p) => send({ type: 'progress', id: m.id, done: p.done }));
        send({ type: 'done', id: m.id, rows, textsComputed: e.stats().textsComputed - before });
      } catch (err) {
        send({ type: 'failed', error: (err as Error).message });
      }
    });
  });
}
