import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, sqlString, sqlStringList } from '@social-pulse/runtime';
import { duckdbColumnsLiteral, postNlp, posts as postsTable, type DqCheck, type EventRow, type PipelineRun, type Post, type PostNlp, type TableSchema } from '@social-pulse/schema';
import { postMetrics, type PostMetric } from '@social-pulse/schema';
import { updateStories, type Warehouse } from '@social-pulse/warehouse';

/** A post with plausible defaults; tests override what they assert on. */
export function makePost(id: string, over: Partial<Post> = {}): Post {
  const source = over.source ?? 'mastodon';
  return {
    post_id: `${source}:${id}`, source, native_id: id, url: `https://example.org/${source}/${id}`, kind: 'post', parent_id: null,
    conversation_id: null, author_id: `author-${id}`, author_handle: `author${id}`, author_name: `Author ${id}`, author_followers: null,
    created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-24T00:00:00.000Z', lang: 'en', title: null, text: `post ${id}`,
    like_count: null, repost_count: null, reply_count: null, quote_count: null, score: null, hashtags: [], mentions: [], links: [],
    queries: ['dataengineering'], extra: null, ...over,
  };
}

export function makeNlp(postId: string, over: Partial<PostNlp> = {}): PostNlp {
  return {
    post_id: postId, created_at: '2026-11-20T10:00:00.000Z', text_hash: `h-${postId}`, models: [{ task: 'topics', model: 'test' }], topics: [], entities: [],
    sentiment: 'neutral', sentiment_score: 0.9, enriched_at: '2026-11-24T00:00:00.000Z', ...over,
  };
}

/** Rows → one Parquet file with exactly the table's column types (as the lake writes them). */
async function parquetOf(table: TableSchema, rows: object[], dir: string): Promise<string> {
  const json = path.join(dir, `${table.name}.ndjson`);
  await writeFile(json, rows.map((r) => JSON.stringify(r)).join('\n'));
  const out = path.join(dir, `${table.name}.parquet`);
  const { db, conn } = await openDuckDB(':memory:');
  try {
    await conn.run(
      `COPY (SELECT * FROM read_json(${sqlStringList([json])}, format='newline_delimited', columns=${duckdbColumnsLiteral(table)})) TO ${sqlString(out)} (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return out;
}

/**
 * Loads posts, labels and run history through the warehouse's own MERGE and recordRun.
 * A label's created_at is its post's, as the enricher copies it.
 */
export async function seedWarehouse(w: Warehouse, data: { posts?: Post[]; nlp?: PostNlp[]; runs?: PipelineRun[]; checks?: DqCheck[]; metrics?: PostMetric[]; events?: EventRow[] }): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dash-seed-'));
  try {
    await w.ensureSchema();
    if (data.posts?.length) await w.loadPosts([await parquetOf(postsTable, data.posts, dir)]);
    // As the loader does after each load: the posts join stories.
    if (data.posts?.length) await updateStories(w, { now: new Date() });
    const createdAt = new Map((data.posts ?? []).map((p) => [p.post_id, p.created_at]));
    const nlp = (data.nlp ?? []).map((n) => ({ ...n, created_at: createdAt.get(n.post_id) ?? n.created_at }));
    if (nlp.length) await w.loadNlp([await parquetOf(postNlp, nlp, dir)]);
    if (data.metrics?.length) await w.loadMetrics([await parquetOf(postMetrics, data.metrics, dir)]);
    for (const r of data.runs ?? []) await w.recordRun(r);
    if (data.checks?.length) await w.recordChecks(data.checks);
    if (data.events?.length) await w.recordEvents(data.events);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function makeRun(over: Partial<PipelineRun> & Pick<PipelineRun, 'run_id' | 'step' | 'source'>): PipelineRun {
  return {
    started_at: '2026-11-24T00:00:00.000Z', finished_at: '2026-11-24T00:01:00.000Z', status: 'ok',
    rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null, ...over,
  };
}

/** One observation of a post's counts (a post_metrics row); counts default to 0. */
export function makeMetric(postId: string, observedAt: string, over: Partial<PostMetric> = {}): PostMetric {
  return {
    post_id: postId, source: (postId.split(':')[0] ?? 'mastodon') as PostMetric['source'], observed_at: observedAt, like_count: 0, repost_count: 0,
    reply_count: 0, quote_count: 0, score: null, view_count: null, deleted: false, ...over,
  };
}
