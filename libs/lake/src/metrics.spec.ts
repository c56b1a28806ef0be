import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Post, PostMetric } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { MetricsWriter, readMetrics, recentPosts, writeMetrics } from './metrics.ts';
import { metricsFiles, metricsFilesAfter } from './zone.ts';
import { mergePosts } from './posts.ts';
import { LocalStore } from './store/local.ts';

const store = async () => new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-metrics-')));

const obs = (id: string, at: string, over: Partial<PostMetric> = {}): PostMetric => ({
  post_id: `x:${id}`, source: 'x', observed_at: at, like_count: 1, repost_count: 0, reply_count: 0, quote_count: null, score: null,
  view_count: 10, deleted: false, ...over,
});

const post = (id: string, createdAt: string, over: Partial<Post> = {}): Post => ({
  post_id: `x:${id}`, source: 'x', native_id: id, url: `https://x.com/i/web/status/${id}`, kind: 'post', parent_id: null,
  conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A', author_followers: null, created_at: createdAt,
  collected_at: createdAt, lang: null, title: null, text: 't', like_count: 1, repost_count: null, reply_count: null, quote_count: null,
  score: null, hashtags: [], mentions: [], links: [], queries: ['q'], extra: null, ...over,
});

describe('the metrics/ zone', () => {
  it('writes observations by observed day, once: the same rows again write nothing new', async () => {
    const s = await store();
    const rows = [obs('1', '2026-11-20T10:00:00.000Z'), obs('1', '2026-11-21T10:00:00.000Z', { like_count: 9 }), obs('2', '2026-11-21T11:00:00.000Z', { deleted: true, like_count: null })];
    const first = await writeMetrics(s, rows, 'r1');
    expect(first.files.map((k) => k.slice(0, k.lastIndexOf('/')))).toEqual(['metrics/dt=2026-11-20', 'metrics/dt=2026-11-21']);
    // A retried step writes the same observations under the same names.
    expect((await writeMetrics(s, [...rows].reverse(), 'r1')).files).toEqual(first.files);
    expect(await metricsFiles(s)).toHaveLength(2);
    // Another run re-normalizing the same pages writes new files; readers keep each observation once.
    await writeMetrics(s, rows, 'r2');
    const read = await readMetrics(s);
    expect(read.map((r) => [r.post_id, r.observed_at, r.like_count, r.deleted])).toEqual([
      ['x:1', '2026-11-20T10:00:00.000Z', 1, false],
      ['x:1', '2026-11-21T10:00:00.000Z', 9, false],
      ['x:2', '2026-11-21T11:00:00.000Z', null, true],
    ]);
    const last = first.files.at(-1)!;
    expect((await metricsFilesAfter(s, last.slice(last.lastIndexOf('/') + 1))).map((f) => f.key)).toEqual((await metricsFiles(s)).filter((f) => f.key.includes('part-r2-')).map((f) => f.key));
  });

  it('writes batch after batch through one MetricsWriter exactly what writeMetrics writes for each, and removes its scratch folder at close', async () => {
    const batches = [
      [obs('1', '2026-11-20T10:00:00.000Z'), obs('2', '2026-11-21T10:00:00.000Z')],
      [obs('1', '2026-11-21T10:00:00.000Z', { like_count: 7 }), obs('3', '2026-11-21T10:00:00.000Z')],
      [obs('2', '2026-11-22T00:00:00.000Z', { deleted: true, like_count: null })],
    ];
    const one = await store();
    const each = await store();
    const writer = await MetricsWriter.open(one, 'r1');
    const work = (writer as unknown as { duck: { work: string } }).duck.work;
    const keys: string[][] = [];
    try {
      for (const b of batches) keys.push((await writer.write(b)).files);
    } finally {
      await writer.close();
    }
    await expect(stat(work)).rejects.toThrow();
    const expected: string[][] = [];
    for (const b of batches) expected.push((await writeMetrics(each, b, 'r1')).files);
    expect(keys).toEqual(expected);
    for (const k of keys.flat()) expect(await readFile(path.join(one.root, k))).toEqual(await readFile(path.join(each.root, k)));
    expect(await readMetrics(one)).toEqual(await readMetrics(each));
  });

  it('lists the refresh candidates: posts of the source inside the window, newest first, at most limit, deleted ones left out', async () => {
    const s = await store();
    await mergePosts(s, [
      post('1', '2026-11-20T10:00:00.000Z'),
      post('2', '2026-11-22T10:00:00.000Z'),
      post('3', '2026-11-23T09:00:00.000Z'),
      post('4', '2026-11-23T10:00:00.000Z'),
      post('5', '2026-11-23T11:00:00.000Z'),
      { ...post('6', '2026-11-23T12:00:00.000Z'), post_id: 'reddit:6', source: 'reddit' },
    ], 'r1');
    await writeMetrics(s, [obs('4', '2026-11-23T12:00:00.000Z', { deleted: true })], 'r1');
    const since = new Date('2026-11-22T00:00:00.000Z');
    expect((await recentPosts(s, 'x', since, 10)).map((p) => p.post_id)).toEqual(['x:5', 'x:3', 'x:2']);
    expect((await recentPosts(s, 'x', since, 2)).map((p) => p.post_id)).toEqual(['x:5', 'x:3']);
    expect(await recentPosts(s, 'x', since, 0)).toEqual([]);
    expect(await recentPosts(s, 'bluesky', since, 10)).toEqual([]);
    const [p] = await recentPosts(s, 'x', since, 1);
    expect(p).toEqual({ post_id: 'x:5', native_id: '5', kind: 'post', created_at: '2026-11-23T11:00:00.000Z', extra: null });
  });
});
