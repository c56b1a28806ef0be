import { Worker } from 'node:worker_threads';
import type { NlpConfig } from '@social-pulse/config';
import { createEnricher } from '@social-pulse/nlp';
import type { BenchPost } from './corpus.ts';

export interface Scenario {
  name: string;
  config: NlpConfig;
  /** Intra-op threads per enricher. */
  threads: number;
  /** Label one post per call, as a naive loop would. */
  oneAtATime?: boolean;
  sorted?: boolean;
  /** Split the posts across this many worker threads, each with its own enricher. */
  workers?: number;
}

export interface Measurement {
  scenario: Scenario;
  posts: number;
  seconds: number;
  postsPerSecond: number;
  /** posts/s divided by the cores the scenario used (threads × workers). */
  perCore: number;
}

function result(scenario: Scenario, posts: number, ms: number): Measurement {
  const seconds = ms / 1000;
  const cores = scenario.threads * (scenario.workers ?? 1);
  const postsPerSecond = posts / seconds;
  return { scenario, posts, seconds, postsPerSecond, perCore: postsPerSecond / cores };
}

/** Time labelling `posts` in one process (after loading the models and a warm-up batch). */
async function inProcess(s: Scenario, posts: BenchPost[], warmup: BenchPost[]): Promise<Measurement> {
  const e = await createEnricher(s.config, { threads: s.threads, sortByLength: s.sorted ?? true, cacheSize: 0, env: {} });
  try {
    await e.enrich(warmup);
    const started = performance.now();
    if (s.oneAtATime) for (const p of posts) await e.enrich([p]);
    else await e.enrich(posts);
    return result(s, posts.length, performance.now() - started);
  } finally {
    await e.close();
  }
}

/** Time labelling `posts` split across worker threads that start together once all are loaded. */
async function inWorkers(s: Scenario, posts: BenchPost[], warmup: BenchPost[]): Promise<Measurement> {
  const n = s.workers!;
  const shares = Array.from({ length: n }, (_, w) => posts.filter((_, i) => i % n === w));
  const workers = shares.map(
    (share) =>
      new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        workerData: { config: s.config, posts: share, warmup, threads: s.threads },
      }),
  );
  try {
    const next = (w: Worker, type: string) =>
      new Promise<{ ms: number }>((resolve, reject) => {
        const onMessage = (m: { type: string; ms: number }) => {
          if (m.type === type) {
            w.off('message', onMessage);
            resolve(m);
          }
        };
        w.on('message', onMessage);
        w.once('error', reject);
      });
    await Promise.all(workers.map((w) => next(w, 'ready')));
    const started = performance.now();
    const done = Promise.all(workers.map((w) => next(w, 'done')));
    for (const w of workers) w.postMessage('go');
    await done;
    return result(s, posts.length, performance.now() - started);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * The median of `repeat` runs (a 2-core VM is noisy; one run can be off by 20%), or with
 * `pick: 'best'` the fastest: on a machine shared with other work, the run least slowed by it.
 */
export async function measure(s: Scenario, posts: BenchPost[], warmup: BenchPost[], repeat = 3, pick: 'median' | 'best' = 'median'): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await (s.workers ? inWorkers(s, posts, warmup) : inProcess(s, posts, warmup)));
  runs.sort((a, b) => a.postsPerSecond - b.postsPerSecond);
  return pick === 'best' ? runs.at(-1)! : runs[Math.floor(runs.length / 2)]!;
}

/** A fixed-width table of measurements; `baseline` is the row the speed-ups are relative to. */
export function formatTable(rows: readonly Measurement[], baseline: Measurement | undefined): string {
  const header = ['scenario', 'batch', 'sorted', 'dtype', 'threads', 'posts', 'seconds', 'posts/s', 'posts/s/core', 'speed-up'];
  const body = rows.map((m) => [
    m.scenario.name,
    m.scenario.oneAtATime ? '1 (loop)' : String(m.scenario.config.batchSize),
    m.scenario.oneAtATime ? '-' : (m.scenario.sorted ?? true) ? 'yes' : 'no',
    m.scenario.config.dtype,
    m.scenario.workers ? `${m.scenario.workers}×${m.scenario.threads}` : String(m.scenario.threads),
    String(m.posts),
    m.seconds.toFixed(2),
    m.postsPerSecond.toFixed(1),
    m.perCore.toFixed(1),
    baseline ? `${(m.postsPerSecond / baseline.postsPerSecond).toFixed(1)}×` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
