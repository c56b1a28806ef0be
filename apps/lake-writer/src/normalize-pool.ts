import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeError } from '@social-pulse/runtime';
import { normalizePage, type PageResult } from './normalize-page.ts';

/** Below this many raw pages, starting threads costs more than it saves: the step's own thread normalizes. */
export const POOL_MIN_PAGES = 64;

/**
 * How many worker threads normalize raw pages: one per core (the step's own thread reads
 * files and feeds DuckDB meanwhile), none for a small run. `PULSE_LAKE_WRITE_THREADS` sets it
 * (0: none), for diagnosis and tests.
 */
export function poolSize(pages: number, env: NodeJS.ProcessEnv): number {
  const set = env.PULSE_LAKE_WRITE_THREADS;
  if (set !== undefined && set !== '') {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`PULSE_LAKE_WRITE_THREADS must be a whole number from 0 to 64, got "${set}"`);
    return n;
  }
  return pages >= POOL_MIN_PAGES ? os.availableParallelism() : 0;
}

interface Pending {
  resolve: (r: PageResult) => void;
  reject: (e: Error) => void;
}

/**
 * Raw pages normalized on worker threads (or inline when there are none): `normalize` takes a
 * page's gzip bytes (handed over, not copied) and resolves with its posts as NDJSON lines.
 * Pages go to the thread with the least work queued. A thread that dies fails the pages it
 * held, and the step with them (the watermark does not move, so the next run redoes them).
 */
export class NormalizePool {
  private readonly workers: { worker: Worker; pending: Map<number, Pending> }[] = [];
  private nextId = 0;

  private constructor() {}

  static start(threads: number): NormalizePool {
    const pool = new NormalizePool();
    const entry = workerEntry();
    if (!entry) return pool;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(entry, { stdout: false, stderr: false });
      const slot = { worker, pending: new Map<number, Pending>() };
      worker.on('message', (m: { id: number; result: PageResult }) => {
        const p = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        p?.resolve(m.result);
      });
      const fail = (e: Error) => {
        for (const p of slot.pending.values()) p.reject(e);
        slot.pending.clear();
      };
      worker.on('error', (e) => fail(new Error(`a lake-write thread failed: ${describeError(e)}`)));
      worker.on('exit', (code) => fail(new Error(`a lake-write thread exited (code ${code})`)));
      pool.workers.push(slot);
    }
    return pool;
  }

  /** Worker threads in use (0: pages are normalized inline). */
  get threads(): number {
    return this.workers.length;
  }

  normalize(gz: Buffer): Promise<PageResult> {
    if (!this.workers.length) return Promise.resolve(normalizePage(gz));
    const slot = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    // The bytes move to the thread when they own their whole buffer; a view into a shared one is copied.
    const own = gz.byteOffset === 0 && gz.byteLength === gz.buffer.byteLength && gz.buffer instanceof ArrayBuffer;
    const data = own ? gz : new Uint8Array(gz);
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, gz: data }, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

/**
 * The worker's module beside this one: the TypeScript source (through normalize-worker.mjs,
 * which loads it with tsx, as the step itself runs), or compiled JavaScript where the step was
 * built. Undefined when it is not there (a bundle that left it out): pages are then
 * normalized inline.
 */
function workerEntry(): URL | undefined {
  const self = fileURLToPath(import.meta.url);
  const name = path.extname(self) === '.ts' ? 'normalize-worker.mjs' : `normalize-worker${path.extname(self)}`;
  return existsSync(path.join(path.dirname(self), name)) ? new URL(`./${name}`, import.meta.url) : undefined;
}
