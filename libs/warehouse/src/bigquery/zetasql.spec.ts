import { readFile } from 'node:fs/promises';
import { postNlp as postNlpTable, posts as postsTable } from '@social-pulse/schema';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQualityChecks } from '../quality.ts';
import { emulatorClientOptions, parquetOf, sampleNlp, samplePost as post, startFakeBigQuery, startZetaSql, type FakeBigQuery, type ZetaSql } from '../testing/index.ts';
import { mergeFromStage } from './sql.ts';
import { BigQueryWarehouse } from './warehouse.ts';

/**
 * Every statement the BigQuery warehouse sends, analysed by ZetaSQL (GoogleSQL's reference
 * analyzer) against a catalog built from libs/schema, with the parameter types the client
 * sent: a misspelt column, an unknown function or a type error fails here, not in the cloud.
 * The fake BigQuery stays the judge of behaviour; this judges the text.
 */
const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
let zeta: ZetaSql;
beforeAll(async () => {
  [fake, zeta] = await Promise.all([
    startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) }),
    startZetaSql({ project: 'pulse-test', dataset: 'zeta' }),
  ]);
}, 60_000);
afterAll(async () => {
  await zeta?.close();
  await fake?.close();
});

describe('BigQuery statements under ZetaSQL', () => {
  it('every statement of a load, its checks, runs, watermarks and views resolves against the schema', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'zeta', location: 'EU', client: emulatorClientOptions(fake.url), log: pino({ level: 'silent' }) });
    const from = fake.calls.length;
    await w.ensureSchema();
    objects.set('gs://b/posts.parquet', await readFile(await parquetOf(postsTable, [post('1'), post('2')])));
    objects.set('gs://b/nlp.parquet', await readFile(await parquetOf(postNlpTable, [sampleNlp('1')])));
    const r = await w.loadPosts(['gs://b/posts.parquet']);
    await w.loadNlp(['gs://b/nlp.parquet']);
    await w.setState('k', 'v');
    await w.getState('k');
    await w.recordRun({ run_id: 'r', step: 'load', source: '*', started_at: '2026-11-24T00:00:00.000Z', finished_at: null, status: 'running', rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null });
    await runQualityChecks(w, { runId: 'r', now: new Date('2026-11-24T12:00:00Z'), sources: ['x'], scheduleMs: 3_600_000, partitions: r.partitions });
    await runQualityChecks(w, { runId: 'r2', now: new Date('2026-11-24T12:00:00Z'), sources: [], scheduleMs: 3_600_000 });

    const { analysed, problems } = await zeta.analyzeJobs(fake.calls.slice(from));
    expect(problems).toEqual([]);
    const texts = fake.calls.slice(from).map((c) => c.body?.configuration?.query?.query as string | undefined).filter(Boolean);
    // What was analysed includes every kind of statement the warehouse writes.
    for (const kind of [/^CREATE OR REPLACE VIEW/, /^MERGE INTO `pulse-test\.zeta\.posts`[\s\S]*TIMESTAMP\('/, /^MERGE INTO `pulse-test\.zeta\.post_nlp`/, /^MERGE INTO `pulse-test\.zeta\.rollup_daily`[\s\S]*NOT MATCHED BY SOURCE AND/, /^MERGE INTO `pulse-test\.zeta\.rollup_entities_daily`[\s\S]*UNNEST\(n\.entities\)/, /^MERGE INTO `pulse-test\.zeta\.pipeline_runs`/, /^MERGE INTO `pulse-test\.zeta\.dq_checks`/, /^MERGE INTO `pulse-test\.zeta\.pulse_state`/, /COUNTIF/, /FROM pipeline_runs/]) {
      expect(texts.some((t) => kind.test(t!)), String(kind)).toBe(true);
    }
    expect(analysed).toBe(texts.length);
  });

  it('rejects a misspelt column, an unknown function, a type error, a bad MERGE column and an untyped parameter', async () => {
    await expect(zeta.analyze('SELECT post_idd FROM posts')).rejects.toThrow(/Unrecognized name: post_idd/);
    await expect(zeta.analyze('SELECT COUNTIFF(like_count > 0) FROM posts')).rejects.toThrow(/Function not found: COUNTIFF/);
    await expect(zeta.analyze('SELECT * FROM posts WHERE created_at > @now', { now: { type: 'INT64' } })).rejects.toThrow(/No matching signature for operator >/);
    await expect(zeta.analyze('SELECT * FROM posts WHERE created_at > @now')).rejects.toThrow(/Query parameter 'now' not found/);
    const merge = mergeFromStage(postsTable, 'pulse-test.zeta.posts', 'pulse-test.zeta.post_nlp', 'collected_at');
    await expect(zeta.analyze(merge)).rejects.toThrow(/ZetaSQL/);
    // The same MERGE from a stage with the table's columns resolves: the failure above is the stage's.
    await expect(zeta.analyze(mergeFromStage(postsTable, 'pulse-test.zeta.posts', 'pulse-test.zeta._pulse_stage_posts_1_0123abcd', 'collected_at'))).resolves.toBeUndefined();
  });
});
