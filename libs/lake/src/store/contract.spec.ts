import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGcsClient, startFakeGcs, type FakeGcs } from '../testing/index.ts';
import { GcsStore } from './gcs.ts';
import { LocalStore } from './local.ts';
import { AlreadyExistsError, PreconditionFailedError, type LakeStore } from './store.ts';

/**
 * The LakeStore contract: what every caller (raw zone, state, merge, loader) relies on,
 * run unchanged against the local folder and against Cloud Storage (a fake JSON API server).
 */
let gcs: FakeGcs;
beforeAll(async () => {
  gcs = await startFakeGcs({ buckets: ['contract-bkt'] });
});
afterAll(() => gcs.close());

let n = 0;
const backends: [string, () => Promise<LakeStore>][] = [
  ['LocalStore', async () => new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'store-')))],
  [
    'GcsStore',
    async () =>
      new GcsStore({
        storage: fakeGcsClient(gcs.url),
        bucket: 'contract-bkt',
        prefix: `lake${n++}/sub`,
        cacheDir: await mkdtemp(path.join(os.tmpdir(), 'gcs-cache-')),
        resumableThreshold: 300 * 1024,
        chunkSize: 256 * 1024,
      }),
  ],
];

describe.each(backends)('LakeStore contract: %s', (_name, open) => {
  it('lists by prefix, recursively, sorted, after a key', async () => {
    const store = await open();
    await store.write('raw/source=x/dt=2026-11-02/b.json.gz', 'b');
    await store.write('raw/source=x/dt=2026-11-01/a.json.gz', 'a');
    await store.write('raw/source=y/dt=2026-11-01/c.json.gz', 'c');
    await store.write('rawer/not-raw.txt', 'no');
    await store.write('posts/p.parquet', 'pp');
    expect((await store.list('raw/source=x/')).map((o) => o.key)).toEqual([
      'raw/source=x/dt=2026-11-01/a.json.gz',
      'raw/source=x/dt=2026-11-02/b.json.gz',
    ]);
    expect((await store.list('raw/', { startAfter: 'raw/source=x/dt=2026-11-02/b.json.gz' })).map((o) => o.key)).toEqual([
      'raw/source=y/dt=2026-11-01/c.json.gz',
    ]);
    const [p] = await store.list('posts/');
    expect(p).toMatchObject({ key: 'posts/p.parquet', size: 2 });
    expect(p!.generation).toMatch(/\S/);
    expect(await store.list('nothing-here/')).toEqual([]);
  });

  it('reads back what was written, bytes exact', async () => {
    const store = await open();
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await store.write('a/bin', bytes);
    await store.write('a/text', 'héllo ✓');
    expect(await store.read('a/bin')).toEqual(bytes);
    expect((await store.read('a/text')).toString('utf8')).toBe('héllo ✓');
    await expect(store.read('a/missing')).rejects.toThrow();
  });

  it('creates a create-once object only once', async () => {
    const store = await open();
    await store.write('once', 'first', { ifAbsent: true });
    await expect(store.write('once', 'second', { ifAbsent: true })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await store.read('once')).toString()).toBe('first');
  });

  it('replaces an object only at the generation it was read at', async () => {
    const store = await open();
    const g1 = await store.write('_state/doc.json', '{"v":1}');
    expect((await store.stat('_state/doc.json'))?.generation).toBe(g1);
    const g2 = await store.write('_state/doc.json', '{"v":2}', { ifGeneration: g1 });
    expect(g2).not.toBe(g1);
    await expect(store.write('_state/doc.json', '{"v":3}', { ifGeneration: g1 })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await store.read('_state/doc.json')).toString()).toBe('{"v":2}');
    expect(await store.stat('_state/none.json')).toBeUndefined();
  });

  it('uploads local files, small and large, and serves them through localPath', async () => {
    const store = await open();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'up-'));
    const big = Buffer.alloc(700 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
    await writeFile(path.join(dir, 'big.parquet'), big);
    await writeFile(path.join(dir, 'small.parquet'), 'small');
    await store.upload('posts/big.parquet', path.join(dir, 'big.parquet'), { ifAbsent: true });
    await store.upload('posts/small.parquet', path.join(dir, 'small.parquet'));
    await expect(store.upload('posts/big.parquet', path.join(dir, 'small.parquet'), { ifAbsent: true })).rejects.toBeInstanceOf(AlreadyExistsError);
    const local = await store.localPath('posts/big.parquet');
    expect(local.endsWith('.parquet')).toBe(true);
    expect((await readFile(local)).equals(big)).toBe(true);
    // A rewrite is a new generation: localPath never serves the old bytes.
    const before = await store.stat('posts/small.parquet');
    await store.upload('posts/small.parquet', path.join(dir, 'big.parquet'), { ifGeneration: before!.generation });
    expect((await readFile(await store.localPath('posts/small.parquet'))).equals(big)).toBe(true);
  });

  it('deletes (and a missing object is not an error), and says what exists', async () => {
    const store = await open();
    await store.write('x/y', '1');
    expect(await store.exists('x/y')).toBe(true);
    await store.delete('x/y');
    await store.delete('x/y');
    expect(await store.exists('x/y')).toBe(false);
    expect(await store.list('x/')).toEqual([]);
  });

  it('refuses keys that escape the lake, and names objects for other systems', async () => {
    const store = await open();
    await expect(store.write('../outside', 'x')).rejects.toThrow(/escapes the lake/);
    expect(store.url('posts/a.parquet')).toMatch(/(^\/|^gs:\/\/contract-bkt\/lake\d+\/sub\/)/);
    expect(store.url('posts/a.parquet').endsWith('posts/a.parquet')).toBe(true);
  });
});

describe('GcsStore on the wire', () => {
  const store = () =>
    new GcsStore({ storage: fakeGcsClient(gcs.url), bucket: 'contract-bkt', prefix: 'wire', resumableThreshold: 300 * 1024, chunkSize: 256 * 1024 });

  it('sends create-once writes with ifGenerationMatch=0, and large files as chunked resumable uploads', async () => {
    const s = store();
    const from = gcs.requests.length;
    await s.write('raw/a.json.gz', 'abc', { ifAbsent: true });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'up-'));
    await writeFile(path.join(dir, 'f'), Buffer.alloc(600 * 1024, 7));
    await s.upload('posts/f.parquet', path.join(dir, 'f'), { ifAbsent: true });
    const sent = gcs.requests.slice(from);
    const simple = sent.find((r) => r.query.uploadType === 'multipart')!;
    expect(simple.query).toMatchObject({ name: 'wire/raw/a.json.gz', ifGenerationMatch: '0' });
    const start = sent.find((r) => r.method === 'POST' && r.query.uploadType === 'resumable')!;
    expect(start.query).toMatchObject({ name: 'wire/posts/f.parquet', ifGenerationMatch: '0' });
    const chunks = sent.filter((r) => r.method === 'PUT' && r.query.upload_id);
    expect(chunks.map((c) => c.headers['content-range'])).toEqual(['bytes 0-262143/*', 'bytes 262144-524287/*', 'bytes 524288-614399/614400']);
    expect(gcs.objects('contract-bkt').get('wire/posts/f.parquet')!.data.length).toBe(600 * 1024);
  });

  it('retries a conditional upload after a 503, and never leaves a half-written object', async () => {
    const s = store();
    gcs.failNext((r) => r.query.uploadType === 'multipart' && r.query.name === 'wire/retry', 503);
    await s.write('retry', 'payload', { ifAbsent: true });
    expect(gcs.objects('contract-bkt').get('wire/retry')!.data.toString()).toBe('payload');
    expect(gcs.requests.filter((r) => r.query.name === 'wire/retry')).toHaveLength(2);
  });

  it('lists every page of a long listing, from startOffset', async () => {
    const s = store();
    for (let i = 0; i < 5; i++) await s.write(`many/${i}`, String(i));
    const listed = await s.list('many/', { startAfter: 'many/1' });
    expect(listed.map((o) => o.key)).toEqual(['many/2', 'many/3', 'many/4']);
    const req = gcs.requests.filter((r) => r.method === 'GET' && r.path === '/b/contract-bkt/o').at(-1)!;
    expect(req.query).toMatchObject({ prefix: 'wire/many/', startOffset: 'wire/many/1' });
  });

  it('downloads an object once per generation', async () => {
    const s = new GcsStore({ storage: fakeGcsClient(gcs.url), bucket: 'contract-bkt', prefix: 'wire', cacheDir: await mkdtemp(path.join(os.tmpdir(), 'c-')) });
    await s.write('cached.parquet', 'v1');
    const downloads = () => gcs.requests.filter((r) => r.query.alt === 'media' && r.path.endsWith(encodeURIComponent('wire/cached.parquet'))).length;
    const p1 = await s.localPath('cached.parquet');
    expect(await s.localPath('cached.parquet')).toBe(p1);
    expect(downloads()).toBe(1);
    await s.write('cached.parquet', 'v2');
    const p2 = await s.localPath('cached.parquet');
    expect(p2).not.toBe(p1);
    expect((await readFile(p2)).toString()).toBe('v2');
    expect(downloads()).toBe(2);
  });
});
