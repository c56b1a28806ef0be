import { readFile } from 'node:fs/promises';
import { posts as postsTable, type Post } from '@social-pulse/schema';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from './bigquery/warehouse.ts';
import { updateStories } from './stories.ts';
import { emulatorClientOptions, parquetOf, samplePost, startFakeBigQuery, type FakeBigQuery } from './testing/index.ts';

/**
 * The stories' BigQuery text run, not only analysed (zetasql.spec.ts): on the fake BigQuery
 * (GoogleSQL rewritten for DuckDB), the same link with tracking parameters on three networks is
 * one story, a cross-post of the same text another, and a second pass changes nothing.
 */
const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
}, 60_000);
afterAll(async () => {
  await fake?.close();
});

const CROSS_POST = 'We just released version 2.0 of our open source stream processor, with exactly once sinks and a new SQL planner';
const post = (source: Post['source'], id: string, over: Partial<Post> = {}): Post => samplePost(id, { post_id: `${source}:${id}`, source, ...over });

describe('stories on the fake BigQuery', () => {
  it('joins a tracked link across networks and a cross-posted text, and keeps its ids on a second pass', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'st', client: emulatorClientOptions(fake.url), log: pino({ level: 'silent' }) });
    await w.ensureSchema();
    const rows = [
      post('hackernews', '1', { title: 'DuckDB 2.0 released', text: '', links: ['https://duckdb.org/2026/11/20/announcing-duckdb-200.html?utm_source=hn'] }),
      post('reddit', 'a', { title: 'DuckDB 2.0 is out', text: 'thoughts?', links: ['http://www.duckdb.org/2026/11/20/announcing-duckdb-200.html/#top'] }),
      post('bluesky', 'b', { text: 'big release', links: ['https://DuckDB.org/2026/11/20/announcing-duckdb-200.html?fbclid=abc&ref=bsky'] }),
      post('mastodon', 'm1', { text: CROSS_POST, links: ['https://example.org/a'] }),
      post('bluesky', 'c1', { text: CROSS_POST, links: ['https://example.net/b'] }),
    ];
    objects.set('gs://b/p.parquet', await readFile(await parquetOf(postsTable, rows)));
    await w.loadPosts(['gs://b/p.parquet']);
    const r = await updateStories(w, { now: new Date('2026-11-21T01:00:00.000Z') });
    expect(r.assigned).toBe(5);
    expect(r.created).toBe(2);
    const members = await w.query<{ post_id: string; story_id: string }>('SELECT post_id, story_id FROM story_posts ORDER BY post_id');
    const by = Object.fromEntries(members.map((m) => [m.post_id, m.story_id]));
    expect(by['reddit:a']).toBe(by['hackernews:1']);
    expect(by['bluesky:b']).toBe(by['hackernews:1']);
    expect(by['bluesky:c1']).toBe(by['mastodon:m1']);
    expect(by['mastodon:m1']).not.toBe(by['hackernews:1']);
    const [story] = await w.query<{ canonical_url: string }>('SELECT canonical_url FROM stories WHERE story_id = @id', { id: by['hackernews:1']! });
    expect(story?.canonical_url).toBe('https://duckdb.org/2026/11/20/announcing-duckdb-200.html');
    const again = await updateStories(w, { now: new Date('2026-11-21T02:00:00.000Z') });
    expect(again).toMatchObject({ assigned: 0, created: 0 });
    await w.close();
  });
});
