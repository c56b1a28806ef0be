import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { File, PreconditionOptions, Storage } from '@google-cloud/storage';
import { AlreadyExistsError, PreconditionFailedError, type LakeObject, type LakeStore, type WriteOptions } from './store.ts';

export interface GcsStoreOptions {
  /** A configured client (endpoint, credentials, retries); see `gcsClient`. */
  storage: Storage;
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/` ('' for the bucket root). */
  prefix?: string;
  /** Where downloaded objects are cached, keyed by generation. */
  cacheDir?: string;
  /** Objects at least this large are sent as resumable uploads (default 8 MiB). */
  resumableThreshold?: number;
  /** Bytes per resumable request (a multiple of 256 KiB; default 16 MiB). */
  chunkSize?: number;
}

const MiB = 1024 * 1024;

/** The HTTP status of an error from the storage client (ApiError, GaxiosError or an upload error). */
function statusOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [err.code, err.status, err.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

/**
 * The cloud lake: a Cloud Storage bucket (and prefix). Every write is one upload, which
 * Cloud Storage makes visible only once complete; create-once files carry
 * `ifGenerationMatch: 0` so that an existing object is never replaced, and state documents
 * carry the generation they were read at. DuckDB cannot read the bucket here (no httpfs), so
 * readers get a local copy through a cache keyed by generation: a rewritten object is a new
 * generation, hence a new cache entry, and a cached file is never stale.
 */
export class GcsStore implements LakeStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly storage: Storage;
  private readonly cacheDir: string;
  private readonly resumableThreshold: number;
  private readonly chunkSize: number;

  constructor(opts: GcsStoreOptions) {
    this.storage = opts.storage;
    this.bucket = opts.bucket;
    this.prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const id = createHash('sha256').update(`${this.bucket}/${this.prefix}`).digest('hex').slice(0, 16);
    this.cacheDir = path.join(opts.cacheDir ?? path.join(os.tmpdir(), 'social-pulse-gcs-cache'), id);
    this.resumableThreshold = opts.resumableThreshold ?? 8 * MiB;
    this.chunkSize = opts.chunkSize ?? 16 * MiB;
    if (this.chunkSize % (256 * 1024)) throw new Error(`chunkSize must be a multiple of 256 KiB, got ${this.chunkSize}`);
  }

  get uri(): string {
    return `gs://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  private name(key: string): string {
    if (!key || key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.')) {
      throw new Error(`lake key escapes the lake: ${key}`);
    }
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private keyOf(name: string): string {
    return this.prefix ? name.slice(this.prefix.length + 1) : name;
  }

  private file(key: string, generation?: string): File {
    return this.storage.bucket(this.bucket).file(this.name(key), generation ? { generation } : {});
  }

  url(key: string): string {
    return `gs://${this.bucket}/${this.name(key)}`;
  }

  async list(prefix: string, opts: { startAfter?: string } = {}): Promise<LakeObject[]> {
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    const [files] = await this.storage.bucket(this.bucket).getFiles({
      prefix: full,
      autoPaginate: true,
      // startOffset is inclusive; the one equal key is dropped below.
      ...(opts.startAfter ? { startOffset: this.name(opts.startAfter) } : {}),
    });
    return files
      .map((f) => ({ key: this.keyOf(f.name), size: Number(f.metadata.size ?? 0), generation: String(f.metadata.generation) }))
      .filter((o) => !opts.startAfter || o.key > opts.startAfter)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async read(key: string): Promise<Buffer> {
    try {
      const [data] = await this.file(key).download();
      return data;
    } catch (e) {
      if (statusOf(e) === 404) throw new Error(`lake object ${this.url(key)} does not exist`, { cause: e });
      throw e;
    }
  }

  private precondition(opts: WriteOptions): PreconditionOptions | undefined {
    if (opts.ifAbsent) return { ifGenerationMatch: 0 };
    if (opts.ifGeneration !== undefined) return { ifGenerationMatch: opts.ifGeneration as unknown as number };
    return undefined;
  }

  private failed(e: unknown, key: string, opts: WriteOptions): unknown {
    if (statusOf(e) !== 412) return e;
    if (opts.ifAbsent) return new AlreadyExistsError(key);
    if (opts.ifGeneration !== undefined) return new PreconditionFailedError(key, opts.ifGeneration);
    return e;
  }

  /** Resumable (chunked, restartable) for large objects; one multipart request otherwise. */
  private uploadMode(size: number) {
    return size >= this.resumableThreshold ? { resumable: true, chunkSize: this.chunkSize } : { resumable: false };
  }

  async write(key: string, data: Buffer | string, opts: WriteOptions = {}): Promise<string> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const file = this.file(key);
    const preconditionOpts = this.precondition(opts);
    try {
      await file.save(buf, { ...this.uploadMode(buf.length), validation: 'crc32c', ...(preconditionOpts ? { preconditionOpts } : {}) });
    } catch (e) {
      throw this.failed(e, key, opts);
    }
    return String(file.metadata.generation);
  }

  async upload(key: string, localPath: string, opts: WriteOptions = {}): Promise<string> {
    const { size } = await stat(localPath);
    const preconditionOpts = this.precondition(opts);
    try {
      const [file] = await this.storage.bucket(this.bucket).upload(localPath, {
        destination: this.name(key),
        ...this.uploadMode(size),
        validation: 'crc32c',
        ...(preconditionOpts ? { preconditionOpts } : {}),
      });
      return String(file.metadata.generation);
    } catch (e) {
      throw this.failed(e, key, opts);
    }
  }

  /**
   * A local copy of the object, downloaded once per generation. The download is pinned to
   * the generation just looked up, so a concurrent rewrite cannot mix two versions.
   */
  async localPath(key: string): Promise<string> {
    const st = await this.stat(key);
    if (!st) throw new Error(`lake object ${this.url(key)} does not exist`);
    // `<generation>-<name>` keeps the file's extension, which DuckDB and people go by.
    const dest = path.join(this.cacheDir, path.dirname(key), `${st.generation}-${path.basename(key)}`);
    try {
      await stat(dest);
      return dest;
    } catch {
      // not cached yet
    }
    await mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${randomBytes(6).toString('hex')}.part`;
    try {
      await this.file(key, st.generation).download({ destination: tmp });
      await rename(tmp, dest);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    // Older generations of the same object are never read again.
    const base = path.basename(key);
    for (const name of await readdir(path.dirname(dest))) {
      const m = /^(\d+)-(.*)$/.exec(name);
      if (m && m[2] === base && m[1] !== st.generation) {
        await rm(path.join(path.dirname(dest), name), { force: true });
      }
    }
    return dest;
  }

  async delete(key: string): Promise<void> {
    await this.file(key).delete({ ignoreNotFound: true });
  }

  async exists(key: string): Promise<boolean> {
    const [found] = await this.file(key).exists();
    return found;
  }

  async stat(key: string): Promise<LakeObject | undefined> {
    try {
      const [meta] = await this.file(key).getMetadata();
      return { key, size: Number(meta.size ?? 0), generation: String(meta.generation) };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }
}
