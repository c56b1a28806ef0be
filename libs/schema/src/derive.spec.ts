import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { bigQuerySchema, duckdbCreateTable, duckdbType } from './derive.ts';
import { pipelineRuns, postNlp, posts, TABLES } from './tables.ts';
import type { Post } from './rows.ts';

describe('schema derivations', () => {
  it('maps nested list types to DuckDB', () => {
    expect(duckdbType({ list: 'string' })).toBe('VARCHAR[]');
    expect(duckdbType(postNlp.fields.find((f) => f.name === 'topics')!.type)).toBe(
      'STRUCT("label" VARCHAR, "score" DOUBLE)[]',
    );
  });

  it('creates every table in a real DuckDB with the declared columns and keys', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      for (const t of TABLES) await c.run(duckdbCreateTable(t));
      for (const t of TABLES) {
        const r = await c.runAndReadAll(
          `SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`,
          { t: t.name },
        );
        const rows = r.getRowObjectsJS() as { column_name: string; is_nullable: string }[];
        expect(rows.map((x) => x.column_name)).toEqual(t.fields.map((f) => f.name));
        expect(rows.map((x) => x.is_nullable === 'NO')).toEqual(t.fields.map((f) => f.required));
      }
      await c.run(`INSERT INTO posts (post_id) VALUES ('x')`).then(
        () => expect.unreachable('NOT NULL columns must reject a bare id'),
        (e: Error) => expect(e.message).toMatch(/NOT NULL/),
      );
    } finally {
      c.closeSync();
    }
  });

  it('derives a BigQuery schema with REPEATED lists and nested records', () => {
    const bq = bigQuerySchema(postNlp);
    expect(bq.find((f) => f.name === 'entities')).toEqual({
      name: 'entities',
      type: 'RECORD',
      mode: 'REPEATED',
      description: expect.any(String),
      fields: [
        { name: 'type', type: 'STRING', mode: 'REQUIRED', description: expect.any(String) },
        { name: 'text', type: 'STRING', mode: 'REQUIRED', description: expect.any(String) },
        { name: 'score', type: 'FLOAT64', mode: 'REQUIRED', description: expect.any(String) },
      ],
    });
    expect(bigQuerySchema(posts).find((f) => f.name === 'created_at')).toMatchObject({ type: 'TIMESTAMP', mode: 'REQUIRED' });
    expect(bigQuerySchema(pipelineRuns).find((f) => f.name === 'finished_at')).toMatchObject({ mode: 'NULLABLE' });
  });

  it('types rows from the declaration', () => {
    const p: Post = {
      post_id: 'hackernews:1', source: 'hackernews', native_id: '1', url: 'https://news.ycombinator.com/item?id=1',
      kind: 'story', parent_id: null, conversation_id: null, author_id: 'pg', author_handle: 'pg', author_name: 'pg',
      author_followers: null, created_at: '2026-11-23T10:00:00.000Z', collected_at: '2026-11-23T10:00:00.000Z',
      lang: null, title: 'Y', text: '', like_count: null, repost_count: null, reply_count: 3, quote_count: null,
      score: 10, hashtags: [], mentions: [], links: [], queries: ['data'], extra: null,
    };
    // @ts-expect-error - a required column cannot be null
    const bad: Post = { ...p, text: null };
    expect(bad.post_id).toBe(p.post_id);
  });
});
