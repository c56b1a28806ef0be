import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { bigQuerySchema, posts as postsTable, TABLES } from '@social-pulse/schema';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientOptions, parquetOf, samplePost as post, startFakeBigQuery, type FakeBigQuery } from '../testing/index.ts';
import { runQualityChecks } from '../quality.ts';
import { BigQueryWarehouse } from './warehouse.ts';

/** What the BigQuery warehouse sends, checked against the REST reference (API v2). */
const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
});
afterAll(() => fake.close());

let n = 0;
function open(logLines: string[] = []) {
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (logLines.push(c.toString()), cb()) });
  return new BigQueryWarehouse({ project: 'pulse-test', dataset: `req_${n++}`, location: 'EU', client: emulatorClientOptions(fake.url), log: pino({ level: 'info' }, sink) });
}
const since = (i: number) => fake.calls.slice(i);

describe('BigQueryWarehouse requests', () => {
  it('creates the dataset and every table of libs/schema: schema, DAY partitioning on the time column, clustering; then the views', async () => {
    const w = open();
    const from = fake.calls.length;
    await w.ensureSchema();
    const calls = since(from);
    const ds = calls.find((c) => c.method === 'POST' && c.path === '/projects/pulse-test/datasets')!;
    expect(ds.body).toMatchObject({ datasetReference: { datasetId: w.uri.split('/').pop() }, location: 'EU' });
    const inserts = calls.filter((c) => c.method === 'POST' && /\/tables$/.test(c.path));
    expect(inserts.map((c) => c.body.tableReference.tableId).sort()).toEqual([...TABLES.map((t) => t.name), 'pulse_state'].sort());
    const posts = inserts.find((c) => c.body.tableReference.tableId === 'posts')!.body;
    expect(posts.schema.fields).toEqual(bigQuerySchema(postsTable));
    expect(posts.timePartitioning).toEqual({ type: 'DAY', field: 'created_at' });
    expect(posts.clustering).toEqual({ fields: ['source'] });
    expect(posts.schema.fields.find((f: { name: string }) => f.name === 'hashtags')).toMatchObject({ type: 'STRING', mode: 'REPEATED' });
    const runs = inserts.find((c) => c.body.tableReference.tableId === 'pipeline_runs')!.body;
    expect(runs.timePartitioning).toEqual({ type: 'DAY', field: 'started_at' });
    const view = calls.find((c) => c.method === 'POST' && c.path === '/projects/pulse-test/jobs' && /CREATE OR REPLACE VIEW/.test(c.body.configuration?.query?.query))!;
    expect(view.body.configuration.query.query).toMatch(/^CREATE OR REPLACE VIEW `pulse-test\.req_\d+\.posts_enriched` AS\nSELECT p\.\*, n\.`text_hash`/);
    expect(view.body.configuration.query.query).toMatch(/FROM `pulse-test\.req_\d+`\.posts AS p LEFT JOIN `pulse-test\.req_\d+`\.post_nlp AS n ON n\.post_id = p\.post_id$/);
    expect(view.body.configuration.query.useLegacySql).toBe(false);
    expect(view.body.jobReference.location).toBe('EU');

    // A second run changes nothing: no table or view is created again.
    const again = fake.calls.length;
    await w.ensureSchema();
    expect(since(again).filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('adds a column that libs/schema gained to an existing table', async () => {
    const w = open();
    await w.ensureSchema();
    const ds = w.uri.split('/').pop()!;
    await fake.sql(`ALTER TABLE "${ds}".dq_checks DROP COLUMN message`);
    fake.tables.get(`${ds}.dq_checks`)!.schema!.fields = fake.tables.get(`${ds}.dq_checks`)!.schema!.fields.filter((f) => f.name !== 'message');
    // As a dataset brought up by the build before the column was added: its schema label differs.
    fake.tables.get(`${ds}.pulse_state`)!.labels = { pulse_schema: 'older' };
    const from = fake.calls.length;
    await w.ensureSchema();
    const patch = since(from).find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe(`/projects/pulse-test/datasets/${ds}/tables/dq_checks`);
    expect(patch.body.schema.fields.at(-1)).toMatchObject({ name: 'message', type: 'STRING', mode: 'NULLABLE' });
  });

  it('opens a dataset already brought up to this schema with two reads: its schema label and its table list', async () => {
    const w = open();
    await w.ensureSchema();
    const from = fake.calls.length;
    await w.ensureSchema();
    expect(since(from).map((c) => `${c.method} ${c.path.replace(/datasets\/[^/]+/, 'datasets/D')}`)).toEqual([
      'GET /projects/pulse-test/datasets/D/tables/pulse_state',
      'GET /projects/pulse-test/datasets/D/tables',
    ]);
    // A view dropped by hand is found missing, and made again.
    const ds = w.uri.split('/').pop()!;
    await fake.sql(`DROP VIEW "${ds}".posts_enriched`);
    fake.tables.delete(`${ds}.posts_enriched`);
    await w.ensureSchema();
    expect(fake.tables.has(`${ds}.posts_enriched`)).toBe(true);
  });

  it('loads with a load job from gs:// into an expiring staging table, MERGEs on post_id, drops the stage; never streams', async () => {
    const lines: string[] = [];
    const w = open(lines);
    await w.ensureSchema();
    const file = await parquetOf(postsTable, [post('1'), post('2'), post('1', { collected_at: '2026-11-22T00:00:00.000Z' })]);
    objects.set('gs://lake-bkt/p/posts/source=x/dt=2026-11-20/part-r1-0.parquet', await readFile(file));
    const from = fake.calls.length;
    const r = await w.loadPosts(['gs://lake-bkt/p/posts/source=x/dt=2026-11-20/part-r1-0.parquet']);
    expect(r).toMatchObject({ rowsIn: 2, inserted: 2, updated: 0 });
    expect(r.bytesBilled).toBeGreaterThanOrEqual(2 * 10 * 1024 * 1024); // two queries, each billed at least 10 MiB
    const calls = since(from);

    const stage = calls.find((c) => c.method === 'POST' && /\/tables$/.test(c.path))!.body;
    expect(stage.tableReference.tableId).toMatch(/^_pulse_stage_posts_\d+_[0-9a-f]{8}$/);
    expect(Number(stage.expirationTime)).toBeGreaterThan(Date.now() + 23 * 3600e3);
    // The stage relaxes REQUIRED (Parquet columns written by DuckDB are optional); the MERGE target enforces it.
    expect(stage.schema.fields.find((f: { name: string }) => f.name === 'post_id').mode).toBe('NULLABLE');
    expect(stage.schema.fields.find((f: { name: string }) => f.name === 'queries').mode).toBe('REPEATED');

    const load = calls.find((c) => c.path === '/projects/pulse-test/jobs' && c.body.configuration.load)!.body;
    expect(load.jobReference).toMatchObject({ projectId: 'pulse-test', location: 'EU' });
    expect(load.configuration.load).toEqual({
      sourceUris: ['gs://lake-bkt/p/posts/source=x/dt=2026-11-20/part-r1-0.parquet'],
      sourceFormat: 'PARQUET',
      parquetOptions: { enableListInference: true },
      destinationTable: { projectId: 'pulse-test', datasetId: w.uri.split('/').pop(), tableId: stage.tableReference.tableId },
      schema: { fields: stage.schema.fields },
      createDisposition: 'CREATE_NEVER',
      writeDisposition: 'WRITE_EMPTY',
    });

    const queries = calls.filter((c) => c.path === '/projects/pulse-test/jobs' && c.body.configuration.query).map((c) => c.body.configuration.query);
    const merge = queries.find((q) => q.query.startsWith('MERGE'))!;
    const ds = w.uri.split('/').pop();
    const cols = postsTable.fields.map((f) => f.name);
    expect(merge.query).toBe(
      `MERGE INTO \`pulse-test.${ds}.posts\` AS t
USING (
  SELECT * FROM \`pulse-test.${ds}.${stage.tableReference.tableId}\` WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY \`post_id\` ORDER BY \`collected_at\` DESC) = 1
) AS s
ON t.\`post_id\` = s.\`post_id\` AND t.\`created_at\` >= TIMESTAMP('2026-11-20T00:00:00.000Z') AND t.\`created_at\` < TIMESTAMP('2026-11-21T00:00:00.000Z')
WHEN MATCHED AND s.\`collected_at\` > t.\`collected_at\` THEN
  UPDATE SET ${cols.filter((c) => c !== 'post_id').map((c) => `\`${c}\` = s.\`${c}\``).join(', ')}
WHEN NOT MATCHED THEN
  INSERT (${cols.map((c) => `\`${c}\``).join(', ')})
  VALUES (${cols.map((c) => `s.\`${c}\``).join(', ')})`,
    );
    expect(merge).toMatchObject({ useLegacySql: false, defaultDataset: { projectId: 'pulse-test', datasetId: ds } });
    // The bound comes from a look at the stage alone, before the MERGE.
    const look = queries.find((q) => q.query.includes('MIN(`created_at`)'))!;
    expect(look.query).toBe(`SELECT COUNT(DISTINCT \`post_id\`) AS n, MIN(\`created_at\`) AS lo, MAX(\`created_at\`) AS hi FROM \`pulse-test.${ds}.${stage.tableReference.tableId}\``);
    expect(queries.indexOf(look)).toBeLessThan(queries.indexOf(merge));
    expect(r.partitions).toEqual({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' });
    // A load of no file (an idle run's) touches no day, so the checks and stories after it read none.
    const before = calls.length;
    expect(await w.loadPosts([])).toEqual({ rowsIn: 0, inserted: 0, updated: 0, partitions: null });
    expect(calls.length).toBe(before);
    expect(calls.some((c) => c.method === 'GET' && c.path.startsWith('/projects/pulse-test/queries/'))).toBe(true);
    const drop = calls.find((c) => c.method === 'DELETE')!;
    expect(drop.path).toBe(`/projects/pulse-test/datasets/${ds}/tables/${stage.tableReference.tableId}`);
    expect(fake.calls.some((c) => c.path.endsWith('/insertAll'))).toBe(false);
    // The bytes each job processed are logged.
    const merged = lines.map((l) => JSON.parse(l)).find((l) => l.what === 'merge into posts');
    expect(merged).toMatchObject({ bytesProcessed: expect.any(Number), bytesBilled: expect.any(Number) });
    expect(merged.bytesProcessed).toBeGreaterThan(0);
    expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'BigQuery load job')).toMatchObject({ files: 1, rows: 3 });
  });

  it('refuses local files with the fix, and surfaces a failed job with its message', async () => {
    const w = open();
    await w.ensureSchema();
    await expect(w.loadPosts(['/tmp/lake/posts/a.parquet'])).rejects.toThrow(/BigQuery loads Parquet from Cloud Storage.*Set lake: gs:\/\/BUCKET\/prefix/);
    await expect(w.loadPosts(['gs://lake-bkt/missing.parquet'])).rejects.toThrow(/Not found: URI gs:\/\/lake-bkt\/missing.parquet/);
    await expect(w.query('SELECT nope FROM posts')).rejects.toThrow(/nope/);
    // The failed load left no staging table behind.
    const ds = w.uri.split('/').pop()!;
    expect([...fake.tables.keys()].filter((k) => k.startsWith(`${ds}._pulse_stage`))).toEqual([]);
  });

  it('sends named, typed query parameters and records runs by DML', async () => {
    const w = open();
    await w.ensureSchema();
    const from = fake.calls.length;
    await w.query({ duckdb: 'unused', bigquery: 'SELECT COUNT(*) AS n FROM posts WHERE source = @s AND lang = @l' }, { s: 'x', l: null });
    const q = since(from).find((c) => c.body?.configuration?.query)!.body.configuration.query;
    expect(q.parameterMode).toMatch(/^named$/i); // the client sends 'named'; the API takes either case
    expect(q.queryParameters).toEqual([
      { name: 's', parameterType: { type: 'STRING' }, parameterValue: { value: 'x' } },
      { name: 'l', parameterType: { type: 'STRING' }, parameterValue: { value: null } },
    ]);
    const at = fake.calls.length;
    await w.recordRun({ run_id: 'r', step: 'load', source: '*', started_at: '2026-11-24T00:00:00.000Z', finished_at: null, status: 'running', rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null });
    const rec = since(at).find((c) => c.body?.configuration?.query)!.body.configuration.query;
    expect(rec.query).toMatch(/^MERGE INTO `pulse-test\.req_\d+\.pipeline_runs` AS t\nUSING \(\n  SELECT @r0_run_id AS `run_id`/);
    expect(rec.queryParameters.find((p: { name: string }) => p.name === 'r0_started_at')).toEqual({ name: 'r0_started_at', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2026-11-24T00:00:00.000Z' } });
    expect(rec.queryParameters.find((p: { name: string }) => p.name === 'r0_finished_at')).toMatchObject({ parameterType: { type: 'TIMESTAMP' } });
    expect(rec.queryParameters.find((p: { name: string }) => p.name === 'r0_rows_in')).toEqual({ name: 'r0_rows_in', parameterType: { type: 'INT64' }, parameterValue: { value: 0 } });
  });

  it('bounds the MERGE to the days of the stage and still finds every existing row; a row whose day moved is caught by the duplicate check', async () => {
    const w = open();
    await w.ensureSchema();
    const ds = w.uri.split('/').pop()!;
    const load = async (name: string, rows: ReturnType<typeof post>[]) => {
      objects.set(`gs://lake-bkt/${ds}/${name}`, await readFile(await parquetOf(postsTable, rows)));
      const from = fake.calls.length;
      const r = await w.loadPosts([`gs://lake-bkt/${ds}/${name}`]);
      const merge = since(from).map((c) => c.body?.configuration?.query?.query as string | undefined).find((q) => q?.startsWith('MERGE'));
      return { r, merge: merge! };
    };
    const count = async () => Number((await fake.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "${ds}".posts`))[0]!.n);
    // Three posts, on three days; the last one a millisecond before midnight.
    const first = await load('a.parquet', [post('1'), post('2', { created_at: '2026-11-22T23:59:59.999Z' }), post('3', { created_at: '2026-11-18T00:00:00.000Z' })]);
    expect(first.merge).toContain("t.`created_at` >= TIMESTAMP('2026-11-18T00:00:00.000Z') AND t.`created_at` < TIMESTAMP('2026-11-23T00:00:00.000Z')");
    expect(first.r).toMatchObject({ inserted: 3, updated: 0, partitions: { from: '2026-11-18T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' } });

    // Newer states of two of them: found within the bound, whatever the instant within their day.
    const later = { collected_at: '2026-11-23T00:00:00.000Z', like_count: 9 };
    const second = await load('b.parquet', [post('1', { ...later, created_at: '2026-11-20T10:00:00.500Z' }), post('2', { ...later, created_at: '2026-11-22T23:59:59.999Z' })]);
    expect(second.merge).toContain("t.`created_at` >= TIMESTAMP('2026-11-20T00:00:00.000Z') AND t.`created_at` < TIMESTAMP('2026-11-23T00:00:00.000Z')");
    expect(second.r).toMatchObject({ rowsIn: 2, inserted: 0, updated: 2 });
    expect(await count()).toBe(3);

    // A post whose created_at moved to another day (no source does this: see README, BigQuery
    // cost) escapes the bound and is inserted again; the whole-table duplicate check says so.
    const third = await load('c.parquet', [post('3', { ...later, created_at: '2026-11-23T08:00:00.000Z' })]);
    expect(third.r).toMatchObject({ inserted: 1, updated: 0, partitions: { from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' } });
    const from = fake.calls.length;
    const checks = await runQualityChecks(w, { runId: 'r', now: new Date('2026-11-24T12:00:00Z'), sources: [], scheduleMs: 3_600_000, partitions: third.r.partitions });
    expect(checks.find((c) => c.check_name === 'post_id_unique')).toMatchObject({ status: 'fail', observed: 1 });
    // The row checks read only the load's days: the range is in their parameters.
    const nulls = since(from).find((c) => /COUNTIF\(`post_id` IS NULL/.test(c.body?.configuration?.query?.query ?? ''))!.body.configuration.query;
    expect(nulls.query).toMatch(/WHERE created_at >= TIMESTAMP\(@loadFrom\) AND created_at < TIMESTAMP\(@loadTo\)$/);
    expect(nulls.queryParameters).toEqual([
      { name: 'loadFrom', parameterType: { type: 'STRING' }, parameterValue: { value: '2026-11-23T00:00:00.000Z' } },
      { name: 'loadTo', parameterType: { type: 'STRING' }, parameterValue: { value: '2026-11-24T00:00:00.000Z' } },
    ]);
  });

  it('counts the bytes billed by every query it ran, for the step to record', async () => {
    const w = open();
    await w.ensureSchema();
    expect(w.bytesBilled).toBeGreaterThan(0); // the view's DDL
    const before = w.bytesBilled;
    objects.set('gs://lake-bkt/billed.parquet', await readFile(await parquetOf(postsTable, [post('1')])));
    const r = await w.loadPosts(['gs://lake-bkt/billed.parquet']);
    expect(w.bytesBilled).toBe(before + r.bytesBilled!);
    await w.setState('k', 'v');
    expect(w.bytesBilled).toBeGreaterThan(before + r.bytesBilled!);
  });
});
