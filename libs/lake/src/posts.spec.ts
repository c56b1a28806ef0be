import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import type { Post } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { mergePosts, postsFilesAfter } from './posts.ts';
import { LocalStore } from './store/local.ts';

export function post(id: string, over: Partial<Post> = {}): Post {
  return {
    post_id: `hackernews:${id}`, source: 'hackernews', native_id: id, url: `https://news.ycombinator.com/item?id=${id}`,
    kind: 'story', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
    author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
    lang: null, title: `T${id}`, text: 'text', like_count: null, repost_count: null, reply_count: 1, quote_count: null,
    score: 1, hashtags: ['x'], mentions: [], links: ['https://e.com'], queries: ['q1'], extra: null, ...over,
  };
}

async function readLake(root: string) {
  const { conn } = await openDuckDB(':memory:');
  return queryRows<{ post_id: string; score: bigint; queries: string[]; created_at: Date }>(
    conn,
    `SELECT post_id, score, queries, created_at FROM read_parquet('${root}/posts/**/*.parquet', hive_partitioning = false) ORDER BY post_id`,
  );
}

describe('mergePosts', () => {
  it('writes Hive-partitioned zstd Parquet, one file per touched partition', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lake-'));
    const store = new LocalStore(root);
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
      `SELECT DISTINCT compression FROM parquet_metadata('${root}/posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet')`,
    );
    expect(meta.map((m) => m.compression)).toEqual(['ZSTD']);
  });

  it('dedupes on post_id: newest metrics win, queries are unioned, old files replaced', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lake-'));
    const store = new LocalStore(root);
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
    const rows = await readLake(root);
    expect(rows.map((r) => [r.post_id, Number(r.score), r.queries])).toEqual([
      ['hackernews:1', 50, ['q1', 'q2', 'q3']],
      ['hackernews:2', 1, ['q1']],
      ['hackernews:4', 1, ['q1']],
    ]);
    expect((await store.list('posts/')).map((f) => f.key)).toEqual(['posts/source=hackernews/dt=2026-11-20/part-run2-0.parquet']);
  });

  it('is idempotent, and repairs a partition left with two files by a crash', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lake-'));
    const store = new LocalStore(root);
    await mergePosts(store, [post('1'), post('2')], 'run1');
    // Simulate a crash after the new file was placed but before the old one was deleted.
    await store.upload('posts/source=hackernews/dt=2026-11-20/part-run0-0.parquet', await store.localPath('posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet'));
    const again = await mergePosts(store, [post('1'), post('2')], 'run3');
    expect(again).toMatchObject({ rowsOut: 2, newPosts: 0, filesDeleted: 2 });
    expect((await readLake(root)).length).toBe(2);
    expect((await postsFilesAfter(store, 'part-run2')).map((f) => f.key)).toEqual(['posts/source=hackernews/dt=2026-11-20/part-run3-0.parquet']);
  });

  it('keeps hostile text byte for byte', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'lake-'));
    const store = new LocalStore(root);
    const text = `<img src=x onerror=alert(1)> '; DROP TABLE posts; -- \u202Eevil\u200B 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 "quoted"\n`;
    await mergePosts(store, [post('9', { text })], 'run1');
    const { conn } = await openDuckDB(':memory:');
    const [row] = await queryRows<{ text: string }>(conn, `SELECT text FROM read_parquet('${root}/posts/**/*.parquet')`);
    expect(row!.text).toBe(text);
  });
});
