import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, sqlString } from '@social-pulse/runtime';
import type { Post } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { checkLakeFiles, LakeFileError } from './columns.ts';
import { readNlpIndex, readNlpRows, readPostTexts, writeNlp } from './nlp.ts';
import { mergePosts } from './posts.ts';
import { LocalStore } from './store/local.ts';

const post = (id: string): Post => ({
  post_id: `hackernews:${id}`, source: 'hackernews', native_id: id, url: `https://news.ycombinator.com/item?id=${id}`,
  kind: 'story', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
  author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
  lang: null, title: `T${id}`, text: 'text', like_count: null, repost_count: null, reply_count: 1, quote_count: null,
  score: 1, hashtags: [], mentions: [], links: [], queries: ['q1'], extra: null,
});

/** A lake holding posts and labels of social-pulse, and one Parquet file of another program in a zone. */
async function lakeWithForeign(key: string) {
  const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-foreign-')));
  await mergePosts(store, [post('1')], 'run1');
  await writeNlp(store, [{ post_id: 'hackernews:1', created_at: '2026-11-20T10:00:00.000Z', text_hash: 'h', models: [], topics: [], entities: [], sentiment: null, sentiment_score: null, enriched_at: '2026-11-21T00:00:00.000Z' }], 'run1');
  const file = path.join(store.root, key);
  const { db, conn } = await openDuckDB(':memory:');
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await conn.run(`COPY (SELECT 42 AS order_id, 'EUR' AS currency) TO ${sqlString(file)} (FORMAT parquet)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return { store, url: store.url(key) };
}

const named = (url: string, zone: string) => new RegExp(`lake file ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a ${zone}/ file of social-pulse: columns currency, order_id are not \\w+ columns; required columns post_id, .* are missing\\. Move it out`);

describe('a Parquet file of foreign columns in the lake', () => {
  it('is named, with what is wrong, by the posts merge and the posts readers', async () => {
    const { store, url } = await lakeWithForeign('posts/source=hackernews/dt=2026-11-19/orders.parquet');
    const merge = await mergePosts(store, [post('2')], 'run2').catch((e: unknown) => e);
    expect(merge).toBeInstanceOf(LakeFileError);
    expect((merge as LakeFileError).exitCode).toBe(2);
    expect((merge as Error).message).toMatch(named(url, 'posts'));
    await expect(readPostTexts(store, (await store.list('posts/')).map((f) => f.key))).rejects.toThrow(named(url, 'posts'));
    await expect(checkLakeFiles(store, [(await store.list('posts/')).at(-1)!.key], 'posts')).resolves.toBeUndefined();
    // Nothing was lost: the lake's own files are as they were.
    expect((await store.list('posts/')).map((f) => f.key)).toEqual(['posts/source=hackernews/dt=2026-11-19/orders.parquet', 'posts/source=hackernews/dt=2026-11-20/part-run1-0.parquet']);
  });

  it('is named by the nlp readers, and a file that is not Parquet at all too', async () => {
    const { store, url } = await lakeWithForeign('nlp/dt=2026-11-21/orders.parquet');
    await expect(readNlpIndex(store)).rejects.toThrow(named(url, 'nlp'));
    await expect(readNlpRows(store, ['hackernews:1'])).rejects.toThrow(named(url, 'nlp'));
    await writeFile(path.join(store.root, 'nlp/dt=2026-11-21/orders.parquet'), 'order_id,currency\n42,EUR\n');
    await expect(readNlpIndex(store)).rejects.toThrow(new RegExp(`lake file ${url.replace(/[.]/g, '\\.')} is not a nlp/ file of social-pulse: it cannot be read as Parquet`));
  });
});
