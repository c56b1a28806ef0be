import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, sqlString, sqlStringList } from '@social-pulse/runtime';
import { duckdbColumnsLiteral, type Post, type PostNlp, type TableSchema } from '@social-pulse/schema';

/** A valid post for tests; `over` replaces fields. */
export const samplePost = (id: string, over: Partial<Post> = {}): Post => ({
  post_id: `x:${id}`, source: 'x', native_id: id, url: `https://x.com/i/status/${id}`, kind: 'post', parent_id: null,
  conversation_id: null, author_id: '1', author_handle: 'a', author_name: 'A', author_followers: 10,
  created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z', lang: 'en', title: null, text: 't',
  like_count: 1, repost_count: 0, reply_count: 0, quote_count: 0, score: null, hashtags: ['de'], mentions: [], links: [],
  queries: ['q'], extra: null, ...over,
});

/** Valid NLP labels for tests; `over` replaces fields. */
export const sampleNlp = (id: string, over: Partial<PostNlp> = {}): PostNlp => ({
  post_id: `x:${id}`, created_at: '2026-11-20T10:00:00.000Z', text_hash: 'h', models: [{ task: 'sentiment', model: 'm@1' }], topics: [{ label: 'databases', score: 0.9 }],
  entities: [{ type: 'product', text: 'DuckDB', score: 0.8 }], sentiment: 'positive', sentiment_score: 0.7,
  enriched_at: '2026-11-21T01:00:00.000Z', ...over,
});

/** Rows → a zstd Parquet file written by DuckDB with the table's exact types, as the lake writer writes them. */
export async function parquetOf(table: TableSchema, rows: object[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
  const json = path.join(dir, 'rows.ndjson');
  await writeFile(json, rows.map((r) => JSON.stringify(r)).join('\n'));
  const out = path.join(dir, 'rows.parquet');
  const { db, conn } = await openDuckDB(':memory:');
  try {
    await conn.run(`COPY (SELECT * FROM read_json(${sqlStringList([json])}, format='newline_delimited', columns=${duckdbColumnsLiteral(table)})) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return out;
}
