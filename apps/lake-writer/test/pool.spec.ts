import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerEntry } from '../src/normalize-pool.ts';

const SOURCE_WORKER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/normalize-worker.mjs');

describe('workerEntry', () => {
  it('starts the compiled worker beside a compiled step main', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-lake-writer-build-'));
    await writeFile(path.join(dir, 'normalize-worker.mjs'), '');
    expect(fileURLToPath(workerEntry(path.join(dir, 'lake-write.mjs'))!)).toBe(path.join(dir, 'normalize-worker.mjs'));
  });

  it('falls back to the worker beside the sources: a TypeScript main, a main with no worker beside it, none', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'pulse-lake-writer-build-'));
    for (const main of [path.resolve('apps/lake-writer/src/main.ts'), path.join(empty, 'lake-write.mjs'), undefined]) {
      expect(fileURLToPath(workerEntry(main)!)).toBe(SOURCE_WORKER);
    }
  });
});
