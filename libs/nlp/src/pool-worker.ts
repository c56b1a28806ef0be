/**
 * One worker of an enricher pool (see pool.ts): loads its own models with the ONNX threads
 * it is given, then labels the batches the main thread sends, reporting progress.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NlpConfig } from '@social-pulse/config';
import { createEnricher } from './enricher.ts';
import type { EnrichItem } from './plan.ts';

export interface PoolWorkerData {
  config: NlpConfig;
  threads: number;
  env: NodeJS.ProcessEnv;
  sortByLength: boolean;
}

export type ToWorker = { type: 'enrich'; id: number; items: EnrichItem[] } | { type: 'close' };
export type FromWorker =
  | { type: 'ready'; device: 'cpu' | 'cuda' }
  | { type: 'failed'; error: string }
  | { type: 'progress'; id: number; done: number }
  | { type: 'done'; id: number; rows: Awaited<ReturnType<Awaited<ReturnType<typeof createEnricher>>['enrich']>>; textsComputed: number };

const data = workerData as PoolWorkerData;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

try {
  // No cache here: the pool sends each distinct text once.
  const enricher = await createEnricher(data.config, { threads: data.threads, env: data.env, sortByLength: data.sortByLength, cacheSize: 0 });
  send({ type: 'ready', device: enricher.device });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      void enricher.close().then(() => port.close());
      return;
    }
    const before = enricher.stats().textsComputed;
    enricher
      .enrich(m.items, (p) => send({ type: 'progress', id: m.id, done: p.done }))
      .then((rows) => send({ type: 'done', id: m.id, rows, textsComputed: enricher.stats().textsComputed - before }))
      .catch((e: unknown) => send({ type: 'failed', error: (e as Error).message }));
  });
} catch (e) {
  send({ type: 'failed', error: (e as Error).message });
}
