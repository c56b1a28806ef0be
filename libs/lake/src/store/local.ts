import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AlreadyExistsError, PreconditionFailedError, type LakeObject, type LakeStore, type WriteOptions } from './store.ts';

const TMP = '.tmp';

/** A local generation: inode and nanosecond mtime, both new after every rename into place. */
async function generationOf(p: string): Promise<{ size: number; generation: string } | undefined> {
  try {
    const st = await stat(p, { bigint: true });
    return { size: Number(st.size), generation: `${st.ino}.${st.mtimeNs}` };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The embedded lake: a folder. Writes go to a temporary file in `.tmp/` on the same file
 * system and are then renamed into place (atomic on POSIX), or hard-linked for create-once
 * writes so that an existing object is never replaced.
 */
export class LocalStore implements LakeStore {
  constructor(readonly root: string) {}

  get uri(): string {
    return this.root;
  }

  private abs(key: string): string {
    const p = path.resolve(this.root, key);
    if (p !== this.root && !p.startsWith(this.root + path.sep)) throw new Error(`lake key escapes the lake: ${key}`);
    return p;
  }

  async list(prefix: string, opts: { startAfter?: string } = {}): Promise<LakeObject[]> {
    const out: LakeObject[] = [];
    // List from the deepest existing folder of the prefix, then filter by the full prefix.
    const dirKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const walk = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(this.abs(rel || '.'), { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (key === TMP) continue;
        if (e.isDirectory()) {
          // A folder whose every key sorts at or before startAfter is not entered.
          const before = opts.startAfter !== undefined && `${key}/` < opts.startAfter && !opts.startAfter.startsWith(`${key}/`);
          if (!before && (key.startsWith(prefix) || prefix.startsWith(`${key}/`))) await walk(key);
        } else if (e.isFile() && key.startsWith(prefix) && (!opts.startAfter || key > opts.startAfter)) {
          const st = await generationOf(this.abs(key));
          if (st) out.push({ key, ...st });
        }
      }
    };
    await walk(dirKey);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.abs(key));
  }

  private async tmpFile(): Promise<string> {
    const dir = this.abs(TMP);
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  }

  private async place(tmp: string, key: string, opts: WriteOptions): Promise<string> {
    const dest = this.abs(key);
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      if (opts.ifGeneration !== undefined) {
        // Not atomic with the rename below: on a local folder the run lock serializes writers,
        // and this check still catches a document changed under a long-running step.
        const now = await generationOf(dest);
        if (now?.generation !== opts.ifGeneration) throw new PreconditionFailedError(key, opts.ifGeneration);
      }
      if (opts.ifAbsent) {
        try {
          await link(tmp, dest);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new AlreadyExistsError(key);
          throw e;
        }
        await unlink(tmp);
      } else {
        await rename(tmp, dest);
      }
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return (await generationOf(dest))!.generation;
  }

  async write(key: string, data: Buffer | string, opts: WriteOptions = {}): Promise<string> {
    const tmp = await this.tmpFile();
    await writeFile(tmp, data, { flush: true });
    return this.place(tmp, key, opts);
  }

  async upload(key: string, localPath: string, opts: WriteOptions = {}): Promise<string> {
    const tmp = await this.tmpFile();
    await copyFile(localPath, tmp);
    return this.place(tmp, key, opts);
  }

  async localPath(key: string): Promise<string> {
    return this.abs(key);
  }

  async delete(key: string): Promise<void> {
    await rm(this.abs(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return (await generationOf(this.abs(key))) !== undefined;
  }

  async stat(key: string): Promise<LakeObject | undefined> {
    const st = await generationOf(this.abs(key));
    return st && { key, ...st };
  }

  url(key: string): string {
    return this.abs(key);
  }
}
