import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeError } from '@social-pulse/runtime';
import type { LakeStore, ZoneFile } from '@social-pulse/lake';
import { normalizePage, sidecarPage, sourceOfKey, type PageResult, type SidecarExpect } from './normalize-page.ts';

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
  resolve: (r: PageResult | null) => void;
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
      worker.on('message', (m: { id: number; result: PageResult | null }) => {
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
    return this.send(gz) as Promise<PageResult>;
  }

  /** A page's result from its sidecar's gzip bytes (see sidecarPage); undefined when the sidecar cannot stand for the page. */
  async fromSidecar(gz: Buffer, expect: SidecarExpect): Promise<PageResult | undefined> {
    if (!this.workers.length) return sidecarPage(gz, expect);
    return (await this.send(gz, expect)) ?? undefined;
  }

  private send(gz: Buffer, sidecar?: SidecarExpect): Promise<PageResult | null> {
    const slot = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    // The bytes move to the thread when they own their whole buffer; a view into a shared one is copied.
    const own = gz.byteOffset === 0 && gz.byteLength === gz.buffer.byteLength && gz.buffer instanceof ArrayBuffer;
    const data = own ? gz : new Uint8Array(gz);
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, gz: data, ...(sidecar ? { sidecar } : {}) }, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

/**
 * The worker's module: the compiled one beside the step's compiled main when the step runs from
 * the build (apps/cli/dist/…/lake-write.mjs, with normalize-worker.mjs beside it), else the one
 * beside this source: normalize-worker.mjs, which loads the TypeScript worker through tsx, as
 * the step itself runs from its sources. (The build rewrites `import.meta.url` to the source
 * file's URL, so from the bundle it names apps/lake-writer/src/: before this looked beside the
 * step's main, the compiled step's threads ran the sources through tsx, each compiling them and
 * starting a loader thread of its own.) Undefined when there is none: pages are then
 * normalized inline.
 */
export function workerEntry(main: string | undefined = process.argv[1]): URL | undefined {
  if (main && /\.[cm]?js$/.test(main)) {
    const compiled = path.join(path.dirname(main), `normalize-worker${path.extname(main)}`);
    if (existsSync(compiled)) return pathToFileURL(compiled);
  }
  const self = fileURLToPath(import.meta.url);
  const name = path.extname(self) === '.ts' ? 'normalize-worker.mjs' : `normalize-worker${path.extname(self)}`;
  return existsSync(path.join(path.dirname(self), name)) ? new URL(`./${name}`, import.meta.url) : undefined;
}

/**
 * One raw page as the lake writer takes it: from the sidecar the scraper landed beside it when
 * that sidecar is the running normalizer's (its posts are not parsed again, only scanned for
 * secrets by the batch writer), else normalized from the page itself. `sidecar` tells which.
 */
export async function readPage(lake: LakeStore, f: ZoneFile, pool: NormalizePool): Promise<PageResult & { sidecar: boolean }> {
  const source = sourceOfKey(f.key);
  if (f.sidecar && source) {
    const gz = await lake.read(f.sidecar.key).catch(() => undefined);
    const r = gz && (await pool.fromSidecar(gz, { source, pageBytes: f.size }));
    if (r) return { ...r, sidecar: true };
  }
  let gz: Buffer;
  try {
    gz = await lake.read(f.key);
  } catch (e) {
    // Kept in raw/ and reported (a thread that dies, below, fails the step instead).
    return { lines: new Uint8Array(0), posts: 0, rejected: [], observations: [], error: describeError(e), sidecar: false };
  }
  return { ...(await pool.normalize(gz)), sidecar: false };
}
