import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Post, PostNlp } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { readNlpIndex, readNlpRows, readPostTexts, streamPostTexts, writeNlp } from './nlp.ts';
import { nlpFilesAfter } from './zone.ts';
import { mergePosts } from './posts.ts';
import { LocalStore } from './store/local.ts';

const post = (id: string, over: Partial<Post> = {}): Post => ({
  post_id: `hackernews:${id}`, source: 'hackernews', native_id: id, url: `https://news.ycombinator.com/item?id=${id}`,
  kind: 'story', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
  author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
  lang: null, title: `T${id}`, text: 'text', like_count: null, repost_count: null, reply_count: 1, quote_count: null,
  score: 1, hashtags: [], mentions: [], links: [], queries: ['q1'], extra: null, ...over,
});

const label = (id: string, hash: string, at: string, over: Partial<PostNlp> = {}): PostNlp => ({
  post_id: id,
  created_at: '2026-11-20T10:00:00.000Z',
  text_hash: hash,
  models: [{ task: 'sentiment', model: 'm@main q8 #1' }],
  topics: [{ label: 'streaming', score: 0.9 }],
  entities: [{ type: 'product', text: 'Kafka', score: 1 }],
  sentiment: 'positive',
  sentiment_score: 0.8,
  enriched_at: at,
  ...over,
});

describe('lake nlp/ zone', () => {
  it('writes create-once Parquet files per enrichment day, and reads back the newest labels per post', async () => {
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-nlp-')));
    const first = await writeNlp(store, [label('a', 'h1', '2026-11-20T10:00:00.000Z'), label('b', 'h2', '2026-11-21T01:00:00.000Z')], '20261121T010000Z-aaaaaa');
    expect(first.files).toEqual([
      'nlp/dt=2026-11-20/part-20261121T010000Z-aaaaaa-000000.parquet',
      'nlp/dt=2026-11-21/part-20261121T010000Z-aaaaaa-000001.parquet',
    ]);
    await expect(writeNlp(store, [label('a', 'h1', '2026-11-20T10:00:00.000Z')], '20261121T010000Z-aaaaaa')).rejects.toThrow(/already exists/);
    const second = await writeNlp(store, [label('a', 'h3', '2026-11-22T00:00:00.000Z', { sentiment: null, sentiment_score: null, topics: [] })], '20261122T000000Z-bbbbbb');
    expect(await readNlpIndex(store)).toEqual(new Map([['a', 'h3'], ['b', 'h2']]));
    const rows = await readNlpRows(store, ['a', 'b', 'missing']);
    expect(rows).toEqual([
      label('a', 'h3', '2026-11-22T00:00:00.000Z', { sentiment: null, sentiment_score: null, topics: [] }),
      label('b', 'h2', '2026-11-21T01:00:00.000Z'),
    ]);
    expect((await nlpFilesAfter(store, undefined)).map((f) => f.key)).toEqual([...first.files, ...second.files]);
    expect((await nlpFilesAfter(store, 'part-20261121T010000Z-aaaaaa-000001.parquet')).map((f) => f.key)).toEqual(second.files);
    expect(await writeNlp(store, [], 'r')).toEqual({ files: [], rows: 0 });
  });

  it('reads the newest text and title of each post from posts/ files', async () => {
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-nlp-')));
    const r = await mergePosts(store, [post('1', { text: 'old' }), post('2', { title: null })], 'r1');
    await mergePosts(store, [post('1', { text: 'new', collected_at: '2026-11-22T00:00:00.000Z' })], 'r2');
    const keys = (await store.list('posts/')).map((f) => f.key);
    expect(r.filesWritten.length).toBe(1);
    expect(await readPostTexts(store, keys)).toEqual([
      { post_id: 'hackernews:1', created_at: '2026-11-20T10:00:00.000Z', text: 'new', title: 'T1' },
      { post_id: 'hackernews:2', created_at: '2026-11-20T10:00:00.000Z', text: 'text', title: null },
    ]);
  });

  it('streams the same posts in windows of at most `window` texts, over a lake that holds many more', async () => {
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-nlp-')));
    // 23 posts over three days (three partitions), then post 5 collected again with a new text.
    const day = (i: number) => `2026-11-${18 + (i % 3)}T10:00:00.000Z`;
    await mergePosts(store, Array.from({ length: 23 }, (_, i) => post(String(i + 1).padStart(2, '0'), { text: `text ${i + 1}`, created_at: day(i) })), 'r1');
    await mergePosts(store, [post('05', { text: 'edited', created_at: day(4), collected_at: '2026-11-22T00:00:00.000Z' })], 'r2');
    const keys = (await store.list('posts/')).map((f) => f.key);
    const all = await readPostTexts(store, keys);
    expect(all).toHaveLength(23);
    expect(all.find((p) => p.post_id === 'hackernews:05')!.text).toBe('edited');

    const windows: number[] = [];
    const streamed = [];
    for await (const w of streamPostTexts(store, keys, 4)) {
      windows.push(w.length);
      streamed.push(...w);
    }
    // Never more than 4 texts handed over at once, and together exactly what one read returns.
    expect(windows).toEqual([4, 4, 4, 4, 4, 3]);
    expect(streamed).toEqual(all);

    const whole = [];
    for await (const w of streamPostTexts(store, keys, 1000)) whole.push(w);
    expect(whole).toEqual([all]);
    for await (const w of streamPostTexts(store, [], 4)) throw new Error(`no posts/ files, yet a window of ${w.length}`);
    await expect(streamPostTexts(store, keys, 0).next()).rejects.toThrow(/window must be a positive whole number/);
  });
});
