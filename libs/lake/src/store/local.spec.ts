import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from './local.ts';
import { AlreadyExistsError } from './store.ts';

describe('LocalStore', () => {
  it('lists by prefix, sorted, after a key, and never shows temporary files', async () => {
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'store-')));
    await store.write('raw/source=x/dt=2026-11-02/b.json.gz', 'b');
    await store.write('raw/source=x/dt=2026-11-01/a.json.gz', 'a');
    await store.write('raw/source=y/dt=2026-11-01/c.json.gz', 'c');
    await store.write('posts/p.parquet', 'p');
    expect((await store.list('raw/source=x/')).map((o) => o.key)).toEqual([
      'raw/source=x/dt=2026-11-01/a.json.gz',
      'raw/source=x/dt=2026-11-02/b.json.gz',
    ]);
    expect((await store.list('raw/', { startAfter: 'raw/source=x/dt=2026-11-02/b.json.gz' })).map((o) => o.key)).toEqual([
      'raw/source=y/dt=2026-11-01/c.json.gz',
    ]);
    expect(await readdir(path.join(store.root, '.tmp'))).toEqual([]);
  });

  it('creates a create-once object only once', async () => {
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'store-')));
    await store.write('a', 'first', { ifAbsent: true });
    await expect(store.write('a', 'second', { ifAbsent: true })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await store.read('a')).toString()).toBe('first');
  });

  it('refuses keys that escape the lake', async () => {
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'store-')));
    await expect(store.write('../outside', 'x')).rejects.toThrow(/escapes the lake/);
  });
});
