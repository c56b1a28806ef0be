import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '@social-pulse/runtime';
import { postMetrics as metricsTable, postNlp as nlpTable, posts as postsTable, type DqCheck, type Post, type PostMetric } from '@social-pulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from './bigquery/warehouse.ts';
import { DuckDBWarehouse } from './duckdb/warehouse.ts';
import { emulatorClientOptions, parquetOf, sampleNlp, samplePost, startFakeBigQuery, type FakeBigQuery } from './testing/index.ts';
import type { Warehouse } from './types.ts';

/**
 * The Warehouse contract, run unchanged against DuckDB and against BigQuery (the fake REST
 * server, which answers with DuckDB doing the work). Loads take Parquet files where each
 * backend reads them: local paths for DuckDB, gs:// URIs for BigQuery.
 */

const post = samplePost;
const nlp = sampleNlp;

const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
});
afterAll(() => fake.close());

interface Backend {
  open(): Promise<Warehouse>;
  /** Where this backend loads a local Parquet file from. */
  source(file: string): Promise<string>;
}

let n = 0;
const backends: [string, Backend][] = [
  ['DuckDB', { open: async () => DuckDBWarehouse.open(path.join(await mkdtemp(path.join(os.tmpdir(), 'wh-')), 'w.duckdb')), source: async (f) => f }],
  [
    'BigQuery',
    {
      open: async () => new BigQueryWarehouse({ project: 'pulse-test', dataset: `contract_${n++}`, location: 'EU', client: emulatorClientOptions(fake.url), log: silentLogger }),
      source: async (f) => {
        const uri = `gs://lake-bkt/posts/${path.basename(path.dirname(f))}.parquet`;
        objects.set(uri, await readFile(f));
        return uri;
      },
    },
  ],
];

describe.each(backends)('Warehouse contract: %s', (_name, b) => {
  const load = async (w: Warehouse, rows: Post[][]) => w.loadPosts(await Promise.all(rows.map(async (r) => b.source(await parquetOf(postsTable, r)))));

  it('merges posts on post_id: inserts, updates newer states, ignores older ones, and is idempotent', async () => {
    const w = await b.open();
    await w.ensureSchema();
    await w.ensureSchema();
    expect(await load(w, [[post('1'), post('2')]])).toMatchObject({ rowsIn: 2, inserted: 2, updated: 0 });
    expect(await load(w, [[post('1'), post('2')]])).toMatchObject({ rowsIn: 2, inserted: 0, updated: 0 });
    const fresh = [post('1', { like_count: 99, collected_at: '2026-11-22T00:00:00.000Z', hashtags: ['de', 'sql'] }), post('3')];
    const stale = [post('2', { like_count: -5, collected_at: '2026-11-01T00:00:00.000Z' })];
    expect(await load(w, [fresh, stale])).toMatchObject({ rowsIn: 3, inserted: 1, updated: 1 });
    const rows = await w.query<{ post_id: string; like_count: number; hashtags: string[]; created_at: string }>(
      'SELECT post_id, like_count, hashtags, created_at FROM posts ORDER BY post_id',
    );
    expect(rows.map((r) => [r.post_id, Number(r.like_count), r.hashtags])).toEqual([['x:1', 99, ['de', 'sql']], ['x:2', 1, ['de']], ['x:3', 1, ['de']]]);
    // Both backends give plain values: INT64 as a number, TIMESTAMP as an ISO string.
    expect(typeof rows[0]!.like_count).toBe('number');
    expect(typeof rows[0]!.created_at).toBe('string');
    expect(rows[0]!.created_at).toBe('2026-11-20T10:00:00.000Z');
    expect(await w.loadPosts([])).toMatchObject({ rowsIn: 0, inserted: 0, updated: 0 });
    await w.close();
  });

  it('merges NLP labels on post_id, and serves posts_enriched', async () => {
    const w = await b.open();
    await w.ensureSchema();
    await load(w, [[post('1'), post('2')]]);
    const f1 = await b.source(await parquetOf(nlpTable, [nlp('1')]));
    expect(await w.loadNlp([f1])).toMatchObject({ rowsIn: 1, inserted: 1, updated: 0 });
    const f2 = await b.source(await parquetOf(nlpTable, [nlp('1', { sentiment: 'negative', enriched_at: '2026-11-22T00:00:00.000Z' })]));
    expect(await w.loadNlp([f2])).toMatchObject({ rowsIn: 1, inserted: 0, updated: 1 });
    const rows = await w.query<{ post_id: string; sentiment: string | null; topics: { label: string; score: number }[] | null }>(
      'SELECT post_id, sentiment, topics FROM posts_enriched ORDER BY post_id',
    );
    // A post not yet enriched has no topics: NULL in DuckDB, an empty array in BigQuery (it has no NULL arrays).
    expect(rows.map((r) => [r.post_id, r.sentiment, (r.topics ?? []).map((t) => t.label)])).toEqual([['x:1', 'negative', ['databases']], ['x:2', null, []]]);
    await w.close();
  });

  it('loads post_metrics observations once per (post_id, observed_at), deleted ones included', async () => {
    const w = await b.open();
    await w.ensureSchema();
    const obs = (id: string, at: string, likes: number | null, deleted = false): PostMetric => ({
      post_id: `x:${id}`, source: 'x', observed_at: at, like_count: likes, repost_count: likes === null ? null : 1, reply_count: null,
      quote_count: null, score: null, view_count: likes === null ? null : 10 * likes, deleted,
    });
    const f1 = await b.source(await parquetOf(metricsTable, [obs('1', '2026-11-20T10:00:00.000Z', 1), obs('1', '2026-11-20T11:00:00.000Z', 5)]));
    expect(await w.loadMetrics([f1])).toMatchObject({ rowsIn: 2, inserted: 2, updated: 0 });
    expect(await w.loadMetrics([f1])).toMatchObject({ inserted: 0, updated: 0 });
    const f2 = await b.source(await parquetOf(metricsTable, [obs('1', '2026-11-20T12:00:00.000Z', null, true)]));
    expect(await w.loadMetrics([f2])).toMatchObject({ rowsIn: 1, inserted: 1 });
    const rows = await w.query<{ like_count: bigint | null; view_count: bigint | null; deleted: boolean }>(
      "SELECT like_count, view_count, deleted FROM post_metrics WHERE post_id = 'x:1' ORDER BY observed_at",
    );
    expect(rows.map((r) => [r.like_count === null ? null : Number(r.like_count), r.view_count === null ? null : Number(r.view_count), r.deleted])).toEqual([
      [1, 10, false],
      [5, 50, false],
      [null, null, true],
    ]);
    await w.close();
  });

  it('records runs and checks (insert or replace), keeps loader state, and binds parameters', async () => {
    const w = await b.open();
    await w.ensureSchema();
    const run = {
      run_id: 'r1', step: 'load', source: '*', started_at: '2026-11-24T00:00:00.000Z', finished_at: null, status: 'running' as const,
      rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null,
    };
    await w.recordRun(run);
    await w.recordRun({ ...run, status: 'ok', finished_at: '2026-11-24T00:00:05.000Z', rows_out: 7, error: "it's fine" });
    const sql = { duckdb: 'SELECT status, rows_out, error, finished_at FROM pipeline_runs WHERE run_id = $id', bigquery: 'SELECT status, rows_out, error, finished_at FROM pipeline_runs WHERE run_id = @id' };
    const runs = await w.query<{ status: string; rows_out: number; error: string; finished_at: string }>(sql, { id: 'r1' });
    expect(runs.map((r) => [r.status, r.rows_out, r.error, r.finished_at])).toEqual([['ok', 7, "it's fine", '2026-11-24T00:00:05.000Z']]);

    const check: DqCheck = {
      run_id: 'r1', check_name: 'post_id_unique', source: '*', status: 'fail', severity: 'error', observed: 2, expected: '= 0',
      message: '2 duplicate post_id', checked_at: '2026-11-24T00:00:06.000Z',
    };
    await w.recordChecks([check, { ...check, check_name: 'freshness', source: 'x', status: 'pass', observed: 0.5, expected: '≤ 2h', message: null }]);
    await w.recordChecks([{ ...check, status: 'pass', observed: 0, message: null }]);
    const checks = await w.query<{ check_name: string; status: string; observed: number }>('SELECT check_name, status, observed FROM dq_checks ORDER BY check_name');
    expect(checks.map((c) => [c.check_name, c.status, c.observed])).toEqual([['freshness', 'pass', 0.5], ['post_id_unique', 'pass', 0]]);

    expect(await w.getState('k')).toBeUndefined();
    await w.setState('k', "v'1");
    await w.setState('k', "v'2");
    expect(await w.getState('k')).toBe("v'2");
    const hostile = await w.query<{ n: bigint }>(
      { duckdb: 'SELECT count(*) AS n FROM posts WHERE text = $t OR source = $s', bigquery: 'SELECT COUNT(*) AS n FROM posts WHERE text = @t OR source = @s' },
      { t: "'; DROP TABLE posts; --", s: null },
    );
    expect(Number(hostile[0]!.n)).toBe(0);
    const listed = await w.query<{ n: bigint }>(
      { duckdb: 'SELECT count(*) AS n FROM pipeline_runs WHERE list_contains($steps, step)', bigquery: 'SELECT COUNT(*) AS n FROM pipeline_runs WHERE step IN (SELECT * FROM UNNEST(@steps))' },
      { steps: ['load', 'scrape'] },
    );
    expect(Number(listed[0]!.n)).toBe(1);
    await w.close();
  });
});
