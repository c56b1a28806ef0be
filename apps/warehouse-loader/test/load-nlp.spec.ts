import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LakeFileError, LocalStore, mergePosts, writeNlp } from '@social-pulse/lake';
import { openDuckDB, sqlString } from '@social-pulse/runtime';
import type { Post, PostNlp } from '@social-pulse/schema';
import { openWarehouse } from '@social-pulse/warehouse';
import { loadNlpFiles, NLP_WATERMARK } from '../src/load-files.ts';

const post = (id: string): Post => ({
  post_id: `hackernews:${id}`, source: 'hackernews', native_id: id, url: `https://news.ycombinator.com/item?id=${id}`,
  kind: 'story', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
  author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
  lang: null, title: `T${id}`, text: 'Kafka is great', like_count: null, repost_count: null, reply_count: 1, quote_count: null,
  score: 1, hashtags: [], mentions: [], links: [], queries: ['q'], extra: null,
});

const label = (id: string, sentiment: PostNlp['sentiment'], at: string): PostNlp => ({
  post_id: `hackernews:${id}`, created_at: '2026-11-20T10:00:00.000Z', text_hash: `h${id}`, models: [{ task: 'sentiment', model: 'm' }], topics: [{ label: 'streaming', score: 0.9 }],
  entities: [{ type: 'product', text: 'Kafka', score: 1 }], sentiment, sentiment_score: 0.9, enriched_at: at,
});

/** A local Parquet file of a query's rows. */
async function parquetOf(dir: string, sql: string): Promise<string> {
  const file = path.join(dir, 'foreign.parquet');
  const { db, conn } = await openDuckDB(':memory:');
  try {
    await conn.run(`COPY (${sql}) TO ${sqlString(file)} (FORMAT parquet)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return file;
}

describe('loading nlp/ files into post_nlp', () => {
  it('merges only the files written since the last load, and posts_enriched joins the labels', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-load-nlp-'));
    const lake = new LocalStore(path.join(dir, 'lake'));
    const w = await openWarehouse({ kind: 'duckdb', path: path.join(dir, 'wh.duckdb') });
    try {
      await mergePosts(lake, [post('1'), post('2')], 'r1');
      await w.loadPosts(await Promise.all((await lake.list('posts/')).map((f) => lake.localPath(f.key))));
      expect(await loadNlpFiles(lake, w)).toEqual({ files: 0, rowsIn: 0, inserted: 0, updated: 0 });
      const day = { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' };

      await writeNlp(lake, [label('1', 'positive', '2026-11-22T00:00:00.000Z')], '20261122T000000Z-aaaaaa');
      expect(await loadNlpFiles(lake, w)).toEqual({ files: 1, rowsIn: 1, inserted: 1, updated: 0, partitions: day });
      expect(await w.getState(NLP_WATERMARK)).toBe('part-20261122T000000Z-aaaaaa-000000.parquet');
      expect(await loadNlpFiles(lake, w)).toMatchObject({ files: 0 });

      // A relabel (newer enriched_at) replaces the labels; a new post is inserted.
      await writeNlp(lake, [label('1', 'negative', '2026-11-23T00:00:00.000Z'), label('2', 'neutral', '2026-11-23T00:00:00.000Z')], '20261123T000000Z-bbbbbb');
      expect(await loadNlpFiles(lake, w)).toEqual({ files: 1, rowsIn: 2, inserted: 1, updated: 1, partitions: day });
      const rows = await w.query<{ post_id: string; sentiment: string; entities: { type: string; text: string }[] }>(
        'SELECT post_id, sentiment, entities FROM posts_enriched ORDER BY post_id',
      );
      expect(rows.map((r) => [r.post_id, r.sentiment, r.entities.map((e) => e.text)])).toEqual([
        ['hackernews:1', 'negative', ['Kafka']],
        ['hackernews:2', 'neutral', ['Kafka']],
      ]);
    } finally {
      await w.close();
    }
  });
  it('names a Parquet file of foreign columns in nlp/ instead of failing the MERGE without it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-load-nlp-'));
    const lake = new LocalStore(path.join(dir, 'lake'));
    const w = await openWarehouse({ kind: 'duckdb', path: path.join(dir, 'wh.duckdb') });
    try {
      await writeNlp(lake, [label('1', 'positive', '2026-11-22T00:00:00.000Z')], '20261122T000000Z-aaaaaa');
      // Another program's file, under a name that sorts after the loader's watermark.
      const key = 'nlp/dt=2026-11-22/part-zz-orders.parquet';
      await lake.upload(key, await parquetOf(dir, `SELECT 42 AS order_id`));
      const err = await loadNlpFiles(lake, w).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LakeFileError);
      expect((err as Error).message).toContain(`lake file ${lake.url(key)} is not a nlp/ file of social-pulse: columns order_id are not post_nlp columns`);
      expect(await w.getState(NLP_WATERMARK)).toBeUndefined();
    } finally {
      await w.close();
    }
  });
});
