import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB } from '@social-pulse/runtime';
import { duckdbCreateTable, postMetrics, postNlp, posts, type TableSchema } from '@social-pulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from './bigquery/warehouse.ts';
import { openWarehouse } from './open.ts';
import { runQualityChecks } from './quality.ts';
import { emulatorClientOptions, parquetOf, sampleNlp, samplePost, startFakeBigQuery, type FakeBigQuery } from './testing/index.ts';
import type { Warehouse } from './types.ts';

/**
 * A warehouse written by the previous schema keeps working once libs/schema changed: the
 * columns added since (a list, a struct list, scalars) and a table added since are created
 * when the warehouse is opened for writing, rows written before read as null (scalars) or
 * empty (lists), and loads, views, state and checks work as on a new warehouse.
 */
const ADDED: Record<string, string[]> = {
  posts: ['queries', 'extra'],
  post_nlp: ['entities', 'sentiment_score'],
};
/** The declaration as the previous schema had it. */
const previous = (t: TableSchema): TableSchema => ({ ...t, fields: t.fields.filter((f) => !ADDED[t.name]?.includes(f.name)) });

/** What every warehouse must do after the change: load all three tables and read the new columns. */
async function worksAfterTheChange(w: Warehouse, file: (table: TableSchema, rows: object[]) => Promise<string>): Promise<void> {
  expect(await w.loadPosts([await file(posts, [samplePost('new', { queries: ['q2'], extra: '{"a":1}' })])])).toMatchObject({ rowsIn: 1, inserted: 1 });
  expect(await w.loadNlp([await file(postNlp, [sampleNlp('new'), sampleNlp('old', { sentiment_score: 0.5 })])])).toMatchObject({ rowsIn: 2 });
  const metric = { post_id: 'x:new', source: 'x', observed_at: '2026-11-21T00:00:00.000Z', like_count: 1, repost_count: 0, reply_count: 0, quote_count: 0, score: null, view_count: 3, deleted: false };
  expect(await w.loadMetrics([await file(postMetrics, [metric])])).toMatchObject({ rowsIn: 1, inserted: 1 });
  const rows = await w.query<{ post_id: string; queries: string[]; extra: string | null; entities: { text: string }[]; sentiment_score: number | null }>(
    'SELECT post_id, queries, extra, entities, sentiment_score FROM posts_enriched ORDER BY post_id',
  );
  expect(rows).toEqual([
    { post_id: 'x:new', queries: ['q2'], extra: '{"a":1}', entities: [{ type: 'product', text: 'DuckDB', score: 0.8 }], sentiment_score: 0.7 },
    { post_id: 'x:old', queries: [], extra: null, entities: [{ type: 'product', text: 'DuckDB', score: 0.8 }], sentiment_score: 0.5 },
  ]);
  expect(await w.query('SELECT post_id, view_count FROM post_metrics')).toEqual([{ post_id: 'x:new', view_count: 3 }]);
  await w.setState('k', 'v');
  expect(await w.getState('k')).toBe('v');
  const checks = await runQualityChecks(w, { runId: 'r', now: new Date('2026-11-24T12:00:00Z'), sources: [], scheduleMs: 3_600_000 });
  expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
}

describe('a DuckDB warehouse written by the previous schema', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wh-old-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gets the new columns and tables on open, and works', async () => {
    const file = path.join(dir, 'old.duckdb');
    const { db, conn } = await openDuckDB(file);
    // Two tables with fewer columns, one post in them; no post_metrics, no pulse_state, no rollups, no view.
    await conn.run(duckdbCreateTable(previous(posts)));
    await conn.run(duckdbCreateTable(previous(postNlp)));
    await conn.run(`INSERT INTO posts SELECT * EXCLUDE (queries, extra) FROM (SELECT 'x:old' AS post_id, 'x' AS source, 'old' AS native_id, 'u' AS url, 'post' AS kind,
      NULL AS parent_id, NULL AS conversation_id, '1' AS author_id, 'a' AS author_handle, 'A' AS author_name, 10 AS author_followers,
      TIMESTAMPTZ '2026-11-20T09:00:00Z' AS created_at, TIMESTAMPTZ '2026-11-20T10:00:00Z' AS collected_at, 'en' AS lang, NULL AS title, 't' AS text,
      1 AS like_count, 0 AS repost_count, 0 AS reply_count, 0 AS quote_count, NULL AS score, ['de'] AS hashtags, [] AS mentions, [] AS links, [] AS queries, NULL AS extra)`);
    conn.closeSync();
    db.closeSync();

    const w = await openWarehouse({ kind: 'duckdb', path: file });
    try {
      const [old] = await w.query('SELECT queries, extra FROM posts');
      expect(old).toEqual({ queries: [], extra: null });
      await worksAfterTheChange(w, parquetOf);
      // The rollups were built on open from the post already there, then kept up by the loads.
      expect(await w.query('SELECT sum(posts) AS n FROM rollup_daily')).toEqual([{ n: 2 }]);
    } finally {
      await w.close();
    }
  });

  it('leaves the rows of an open with deferCheckpoint in the log, where readers see them, until the next writer checkpoints', async () => {
    const file = path.join(dir, 'deferred.duckdb');
    await (await openWarehouse({ kind: 'duckdb', path: file })).close();
    const bytes = await readFile(file);
    const h = await openWarehouse({ kind: 'duckdb', path: file }, { deferCheckpoint: true });
    await h.setState('history', 'a row');
    await h.close();
    expect(existsSync(`${file}.wal`)).toBe(true);
    expect((await readFile(file)).equals(bytes)).toBe(true);
    const r = await openWarehouse({ kind: 'duckdb', path: file }, { readOnly: true });
    expect(await r.getState('history')).toBe('a row');
    await r.close();
    await (await openWarehouse({ kind: 'duckdb', path: file })).close();
    expect(existsSync(`${file}.wal`)).toBe(false);
    const again = await openWarehouse({ kind: 'duckdb', path: file }, { readOnly: true });
    expect(await again.getState('history')).toBe('a row');
    await again.close();
  });

  it('is written nothing by an open once its schema is current, and gets back a table or view dropped by hand', async () => {
    const file = path.join(dir, 'current.duckdb');
    await (await openWarehouse({ kind: 'duckdb', path: file })).close();
    const bytes = await readFile(file);
    // Opened for writing and closed, as every idle step does: no DDL, no WAL, the file as it was.
    await (await openWarehouse({ kind: 'duckdb', path: file })).close();
    expect(existsSync(`${file}.wal`)).toBe(false);
    expect((await readFile(file)).equals(bytes)).toBe(true);

    const { db, conn } = await openDuckDB(file);
    await conn.run('DROP VIEW posts_enriched');
    await conn.run('DROP TABLE events');
    conn.closeSync();
    db.closeSync();
    const w = await openWarehouse({ kind: 'duckdb', path: file });
    try {
      expect(await w.query('SELECT count(*) AS n FROM posts_enriched')).toEqual([{ n: 0 }]);
      expect(await w.query('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    } finally {
      await w.close();
    }
  });
});

describe('a BigQuery dataset written by the previous schema (the fake BigQuery)', () => {
  const objects = new Map<string, Buffer>();
  let fake: FakeBigQuery;
  beforeAll(async () => {
    fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
  });
  afterAll(() => fake.close());
  const open = () => new BigQueryWarehouse({ project: 'pulse-test', dataset: 'old', client: emulatorClientOptions(fake.url) });

  it('gets the new columns and tables on open, and works', async () => {
    await open().ensureSchema();
    // Back to the previous schema: the added columns and post_metrics gone, one post loaded before.
    objects.set('gs://lake/old.parquet', await readFile(await parquetOf(posts, [samplePost('old', { created_at: '2026-11-20T09:00:00.000Z' })])));
    await open().loadPosts(['gs://lake/old.parquet']);
    for (const [table, cols] of Object.entries(ADDED)) {
      for (const c of cols) await fake.sql(`ALTER TABLE "old".${table} DROP COLUMN ${c}`);
      const t = fake.tables.get(`old.${table}`)!;
      t.schema!.fields = t.schema!.fields.filter((f) => !cols.includes(f.name));
    }
    await fake.sql('DROP TABLE "old".post_metrics');
    fake.tables.delete('old.post_metrics');

    const w = open();
    await w.ensureSchema();
    let n = 0;
    await worksAfterTheChange(w, async (table, rows) => {
      const uri = `gs://lake/${table.name}-${n++}.parquet`;
      objects.set(uri, await readFile(await parquetOf(table, rows)));
      return uri;
    });
  });
});
