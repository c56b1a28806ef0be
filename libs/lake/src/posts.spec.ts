import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import type { Post } from '@social-pulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePosts, PostsMerge, type MergeResult } from './posts.ts';
import { postsFilesAfter } from './zone.ts';
import { GcsStore } from './store/gcs.ts';
import { LocalStore } from './store/local.ts';
import type { LakeStore } from './store/store.ts';
import { fakeGcsClient, startFakeGcs, type FakeGcs } from './testing/index.ts';

export function post(id: string, over: Partial<Post> = {}): Post {
  return {
    post_id: `hackernews:${id}`, source: 'hackernews', native_id: id, url: `https://news.ycombinator.com/item?id=${id}`,
    kind: 'story', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
    author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
    lang: null, title: `T${id}`, text: 'text', like_count: null, repost_count: null, reply_count: 1, quote_count: null,
    score: 1, hashtags: ['x'], mentions: [], links: ['https://e.com'], queries: ['q1'], extra: null, ...over,
  };
}

/** Every post in posts/, read the way the loader reads them: through the store's local copies. */
async function readLake(store: LakeStore) {
  const files = await Promise.all((await store.list('posts/')).map((f) => store.localPath(f.key)));
  const { conn } = await openDuckDB(':memory:');
  return queryRows<{ post_id: string; score: bigint; queries: string[]; created_at: Date; text: string }>(
    conn,
    `SELECT post_id, score, queries, created_at, text FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}], hive_partitioning = false) ORDER BY post_id`,
  );
}

let gcs: FakeGcs;
beforeAll(async () => {
  gcs = await startFakeGcs({ buckets: ['posts-bkt'] });
});
afterAll(() => gcs.close());

let n = 0;
const backends: [string, () => Promise<LakeStore>][] = [
  ['a local folder', async () => new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-')))],
  [
    'Cloud Storage',
    async () =>
      new GcsStore({
        storage: fakeGcsClient(gcs.url),
        bucket: 'posts-bkt',
        prefix: `lake${n++}`,
        cacheDir: await mkdtemp(path.join(os.tmpdir(), 'gcs-cache-')),
      }),
  ],
];

describe.each(backends)('mergePosts over %s', (_name, open) => {
  it('writes Hive-partitioned zstd Parquet, one file per touched partition', async () => {
    const store = await open();
    const r = await mergePosts(store, [post('1'), post('2', { created_at: '2026-11-21T23:59:59.000Z' }), post('3', { source: 'mastodon', post_id: 'mastodon:3' })], 'run1');
    expect(r).toMatchObject({ rowsIn: 3, rowsOut: 3, newPosts: 3, partitions: 3 });
    expect(r.filesWritten).toEqual([
      'posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet',
      'posts/source=hackernews/dt=2026-11-21/part-run1-0.parquet',
      'posts/source=mastodon/dt=2026-11-20/part-run1-0.parquet',
    ]);
    const { conn } = await openDuckDB(':memory:');
    const meta = await queryRows<{ compression: string }>(
      conn,
      `SELECT DISTINCT compression FROM parquet_metadata('${await store.localPath('posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet')}')`,
    );
    expect(meta.map((m) => m.compression)).toEqual(['ZSTD']);
  });

  it('dedupes on post_id: newest metrics win, queries are unioned, old files replaced', async () => {
    const store = await open();
    await mergePosts(store, [post('1'), post('2')], 'run1');
    const second = await mergePosts(
      store,
      [
        post('1', { score: 50, collected_at: '2026-11-22T00:00:00.000Z', queries: ['q2'] }),
        post('1', { score: 7, collected_at: '2026-11-21T12:00:00.000Z', queries: ['q3'] }),
        post('4'),
      ],
      'run2',
    );
    expect(second).toMatchObject({ rowsIn: 3, rowsOut: 3, newPosts: 1, filesDeleted: 1 });
    const rows = await readLake(store);
    expect(rows.map((r) => [r.post_id, Number(r.score), r.queries])).toEqual([
      ['hackernews:1', 50, ['q1', 'q2', 'q3']],
      ['hackernews:2', 1, ['q1']],
      ['hackernews:4', 1, ['q1']],
    ]);
    expect((await store.list('posts/')).map((f) => f.key)).toEqual(['posts/source=hackernews/dt=2026-11-20/part-run2-0.parquet']);
  });

  it('is idempotent, and repairs a partition left with two files by a crash', async () => {
    const store = await open();
    await mergePosts(store, [post('1'), post('2')], 'run1');
    // Simulate a crash after the new file was placed but before the old one was deleted.
    await store.upload('posts/source=hackernews/dt=2026-11-20/part-run0-0.parquet', await store.localPath('posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet'));
    const again = await mergePosts(store, [post('1'), post('2')], 'run3');
    expect(again).toMatchObject({ rowsOut: 2, newPosts: 0, filesDeleted: 2 });
    expect((await readLake(store)).length).toBe(2);
    expect((await postsFilesAfter(store, 'part-run2')).map((f) => f.key)).toEqual(['posts/source=hackernews/dt=2026-11-20/part-run3-0.parquet']);
  });

  it('stages batches without touching the lake, then rewrites each partition once', async () => {
    const store = await open();
    await mergePosts(store, [post('1'), post('2')], 'run1');
    const merge = await PostsMerge.open(store, 'run2');
    try {
      await merge.stage([post('2', { score: 9, collected_at: '2026-11-22T00:00:00.000Z', queries: ['q2'] }), post('3')]);
      await merge.stage([post('4', { created_at: '2026-11-21T08:00:00.000Z' }), post('5')]);
      await merge.stage([post('2', { score: 4, collected_at: '2026-11-21T06:00:00.000Z', queries: ['q3'] }), post('6', { created_at: '2026-11-21T09:00:00.000Z' })]);
      expect(merge.staged).toBe(6);
      // Nothing is in the lake until commit.
      expect((await store.list('posts/')).map((f) => f.key)).toEqual(['posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet']);
      const seen: string[] = [];
      const r = await merge.commit((p, total) => seen.push(`${p} of ${total}`));
      expect(seen).toEqual(['posts/source=hackernews/dt=2026-11-20 of 2', 'posts/source=hackernews/dt=2026-11-21 of 2']);
      expect(r).toMatchObject({ rowsIn: 6, rowsOut: 6, newPosts: 4, partitions: 2, filesDeleted: 1 });
    } finally {
      await merge.close();
    }
    expect((await store.list('posts/')).map((f) => f.key)).toEqual([
      'posts/source=hackernews/dt=2026-11-20/part-run2-0.parquet',
      'posts/source=hackernews/dt=2026-11-21/part-run2-0.parquet',
    ]);
    const rows = await readLake(store);
    expect(rows.map((r) => [r.post_id, Number(r.score), r.queries])).toEqual([
      ['hackernews:1', 1, ['q1']],
      ['hackernews:2', 9, ['q1', 'q2', 'q3']],
      ['hackernews:3', 1, ['q1']],
      ['hackernews:4', 1, ['q1']],
      ['hackernews:5', 1, ['q1']],
      ['hackernews:6', 1, ['q1']],
    ]);
  });

  it('stores a post once in the lake when its day changes: the newest state wins in any order, queries are unioned, an emptied partition goes', async () => {
    const store = await open();
    await mergePosts(store, [post('1', { text: 'first' }), post('2'), post('3', { created_at: '2026-11-19T10:00:00.000Z' }), post('7', { source: 'mastodon', post_id: 'mastodon:7' })], 'run1');
    // hackernews:1 moves to the 22nd (newer state); hackernews:3, alone on the 19th, moves too.
    const moved = await mergePosts(
      store,
      [
        post('1', { text: 'second', created_at: '2026-11-22T10:00:00.000Z', collected_at: '2026-11-23T00:00:00.000Z', queries: ['q2'] }),
        post('3', { created_at: '2026-11-22T11:00:00.000Z', collected_at: '2026-11-23T00:00:00.000Z' }),
        // The same batch carries a day-22 post twice, on two days: only its newest state stays.
        post('5', { created_at: '2026-11-21T10:00:00.000Z', collected_at: '2026-11-22T00:00:00.000Z' }),
        post('5', { created_at: '2026-11-22T12:00:00.000Z', collected_at: '2026-11-23T00:00:00.000Z', text: 'five, later' }),
      ],
      'run2',
    );
    expect(moved).toMatchObject({ rowsIn: 4, newPosts: 1, movedPosts: 3, movedExamples: ['hackernews:1', 'hackernews:3', 'hackernews:5'] });
    expect((await store.list('posts/')).map((f) => f.key)).toEqual([
      'posts/source=hackernews/dt=2026-11-20/part-run2-0.parquet',
      'posts/source=hackernews/dt=2026-11-22/part-run2-0.parquet',
      'posts/source=mastodon/dt=2026-11-20/part-run1-0.parquet',
    ]);
    // An older state arriving later (raw pages merged again) loses, wherever it lands; its queries still count.
    const stale = await mergePosts(store, [post('1', { text: 'first', queries: ['q9'] })], 'run3');
    expect(stale).toMatchObject({ movedPosts: 1, newPosts: 0 });
    const rows = await readLake(store);
    expect(rows.map((r) => [r.post_id, r.text, r.created_at.toISOString().slice(0, 10), r.queries])).toEqual([
      ['hackernews:1', 'second', '2026-11-22', ['q1', 'q2', 'q9']],
      ['hackernews:2', 'text', '2026-11-20', ['q1']],
      ['hackernews:3', 'text', '2026-11-22', ['q1']],
      ['hackernews:5', 'five, later', '2026-11-22', ['q1']],
      ['mastodon:7', 'text', '2026-11-20', ['q1']],
    ]);
    // The other source's files were not rewritten.
    expect((await store.list('posts/source=mastodon/')).map((f) => f.key)).toEqual(['posts/source=mastodon/dt=2026-11-20/part-run1-0.parquet']);
  });

  it('writes a partition new to the lake (one COPY, several lanes) exactly as the general merge does', async () => {
    // Three sources over four days, some days already in the lake; posts come in three batches,
    // some twice (a newer state, other queries) in the same batch or another.
    const sources = ['hackernews', 'mastodon', 'reddit'] as const;
    const at = (i: number) => new Date(Date.UTC(2026, 10, 17 + (i % 4), (i * 7) % 24, (i * 13) % 60)).toISOString();
    const make = (i: number, v: number) => {
      const source = sources[i % 3]!;
      return post(String(i), {
        source, post_id: `${source}:${i}`, created_at: at(i), collected_at: `2026-11-2${2 + v}T00:00:00.000Z`,
        score: i * 10 + v, queries: [`q${(i + v) % 3}`, 'q1'], text: `post ${i} v${v}`,
      });
    };
    const before = Array.from({ length: 12 }, (_, i) => make(i * 4, 0));
    const batches = [
      Array.from({ length: 40 }, (_, i) => make(i, 1)),
      [...Array.from({ length: 20 }, (_, i) => make(i * 3, 2)), make(5, 0), make(41, 1)],
      Array.from({ length: 30 }, (_, i) => make(60 - i, i % 2 ? 2 : 0)),
    ];
    const lakes: { result: MergeResult; files: { key: string; rows: unknown[] }[] }[] = [];
    // Also with DuckDB on every core while staging and in the lanes: how many threads DuckDB has changes nothing in the lake.
    for (const opts of [{ mergeEveryPartition: true, lanes: 1 }, {}, { lanes: 3 }, { stageThreads: 4 }]) {
      const store = await open();
      await mergePosts(store, before, 'run1');
      const merge = await PostsMerge.open(store, 'run2', opts);
      let result: MergeResult;
      try {
        for (const b of batches) await merge.stage(b);
        result = await merge.commit();
      } finally {
        await merge.close();
      }
      const files: { key: string; rows: unknown[] }[] = [];
      const { conn } = await openDuckDB(':memory:');
      for (const f of await store.list('posts/')) {
        const rows = await queryRows(conn, `SELECT * FROM read_parquet('${await store.localPath(f.key)}', hive_partitioning = false)`);
        files.push({ key: f.key, rows });
        // Each file sorted as the merge sorts it.
        const order = rows.map((r) => `${(r.created_at as Date).toISOString()} ${String(r.post_id)}`);
        expect(order).toEqual([...order].sort());
      }
      lakes.push({ result, files });
    }
    const [general, fresh, lanes, threads] = lakes;
    expect(general!.result.newPosts).toBeGreaterThan(0);
    expect(general!.result.partitions).toBe(12);
    expect(fresh).toEqual(general);
    expect(lanes).toEqual(general);
    expect(threads).toEqual(general);
  });

  it('keeps hostile text byte for byte', async () => {
    const store = await open();
    const text = `<img src=x onerror=alert(1)> '; DROP TABLE posts; -- \u202Eevil\u200B 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 "quoted"\n`;
    await mergePosts(store, [post('9', { text })], 'run1');
    const [row] = await readLake(store);
    expect(row!.text).toBe(text);
  });
});
