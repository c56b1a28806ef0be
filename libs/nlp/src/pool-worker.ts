/**
 * One worker of an enricher pool (see pool.ts): loads its own models (a Labeller) with the
 * ONNX threads it is given, then labels the texts the main thread sends, batch by batch. On `close`
 * it finishes the batch in hand, releases its ONNX sessions and lets the thread end by
 * itself: a worker is never terminated while it holds native sessions.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NlpConfig } from '@social-pulse/config';
import { createLabeller, type Labeller, type Labels } from './labeller.ts';
import type { ModelVersion } from './plan.ts';

export interface PoolWorkerData {
  config: NlpConfig;
  threads: number;
  env: NodeJS.ProcessEnv;
  sortByLength: boolean;
}

export type ToWorker = { type: 'label'; id: number; texts: string[] } | { type: 'close' };
export type FromWorker =
  | { type: 'ready'; device: 'cpu' | 'cuda'; models: ModelVersion[] }
  | { type: 'failed'; error: string }
  | { type: 'warn'; message: string }
  /** Texts labelled, by their index in the texts of message `id`. */
  | { type: 'batch'; id: number; indices: number[]; labels: Labels[] }
  | { type: 'done'; id: number };

const data = workerData as PoolWorkerData;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

let labeller: Labeller | undefined;
try {
  // Warnings go to the pool, which says each once.
  labeller = await createLabeller(data.config, {
    threads: data.threads,
    env: data.env,
    sortByLength: data.sortByLength,
    log: { info() {}, warn: (message) => send({ type: 'warn', message }) },
  });
  send({ type: 'ready', device: labeller.device, models: [...labeller.models] });
} catch (e) {
  // Nothing is listening on the port now, so the thread ends (a queued `close` is never read).
  send({ type: 'failed', error: (e as Error).message });
}

if (labeller) {
  const e = labeller;
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
      try {
        await e.label(m.texts, ({ indices, labels }) => send({ type: 'batch', id: m.id, indices, labels }));
        send({ type: 'done', id: m.id });
      } catch (err) {
        send({ type: 'failed', error: (err as Error).message });
      }
    });
  });
}
