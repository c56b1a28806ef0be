/**
 * One benchmark worker thread: loads its own enricher (its own ONNX sessions, with the
 * intra-op threads it is given), says "ready", labels its share of the posts on "go", and
 * reports the time. The main thread measures the wall time across all workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NlpConfig } from '@social-pulse/config';
import { createEnricher } from '@social-pulse/nlp';
import type { BenchPost } from './corpus.ts';

interface Job {
  config: NlpConfig;
  posts: BenchPost[];
  warmup: BenchPost[];
  threads: number;
}

const job = workerData as Job;
const enricher = await createEnricher(job.config, { threads: job.threads, cacheSize: 0, env: {} });
await enricher.enrich(job.warmup);
parentPort!.postMessage({ type: 'ready' });
parentPort!.once('message', async () => {
  const started = performance.now();
  await enricher.enrich(job.posts);
  const ms = performance.now() - started;
  await enricher.close();
  parentPort!.postMessage({ type: 'done', ms });
});
