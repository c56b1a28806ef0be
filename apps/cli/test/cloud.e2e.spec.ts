import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGcs, type FakeGcs } from '@social-pulse/lake/testing';
import { algoliaHit, startFakeAlgolia, startFakeMastodon, statusRun, type HitJson, type ReplayServer } from '@social-pulse/sources/testing';
import { startFakeBigQuery, startZetaSql, type FakeBigQuery } from '@social-pulse/warehouse/testing';
import { pulse, workspace } from './helpers.ts';

/**
 * The whole pipeline with `lake: gs://…` and `warehouse: bigquery://…`, by configuration
 * alone: the same steps, in their own processes, against a Cloud Storage JSON API server and
 * a BigQuery REST server on loopback (STORAGE_EMULATOR_HOST, BIGQUERY_EMULATOR_HOST).
 */
const closers: { close(): Promise<void> }[] = [];
afterEach(async () => Promise.all(closers.splice(0).map((s) => s.close())));

const PROJECT = 'pulse-e2e-proj';
const BUCKET = 'pulse-e2e-lake';

describe('pulse run on Cloud Storage and BigQuery', { timeout: 240_000 }, () => {
  it('lands raw pages and Parquet in the bucket, loads BigQuery by load jobs and MERGE, and a second run adds only what is new', async () => {
    const gcs: FakeGcs = await startFakeGcs({ buckets: [BUCKET] });
    const bq: FakeBigQuery = await startFakeBigQuery({ project: PROJECT, readObject: (bucket, name) => gcs.objects(bucket).get(name)?.data });
    const statuses = statusRun(30, 'mastodon.social');
    const t0 = Date.UTC(2026, 10, 10) / 1000;
    const hits: HitJson[] = Array.from({ length: 40 }, (_, i) => algoliaHit(String(42000000 + i), t0 + i * 60));
    const m: ReplayServer = await startFakeMastodon(() => statuses);
    const hn: ReplayServer = await startFakeAlgolia(() => hits);
    closers.push(gcs, bq, m, hn);
    const ws = await workspace(`
lake: gs://${BUCKET}/pulse
warehouse: bigquery://${PROJECT}/social_pulse
since: 2026-11-01
http: { retries: 2, backoffMs: 20 }
sources:
  - type: mastodon
    instances: [${m.url}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`);
    const env = { STORAGE_EMULATOR_HOST: gcs.url, BIGQUERY_EMULATOR_HOST: bq.url, PULSE_CACHE_DIR: await mkdtemp(path.join(os.tmpdir(), 'pulse-cache-')) };

    const first = await pulse(['run', '--skip', 'enrich', '--config', ws.config], env);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/hackernews\s+ok\s+\d+ pages, 40 posts/);
    expect(first.stdout).toMatch(/load\s+\d+ Parquet files → bigquery:\/\/pulse-e2e-proj\/social_pulse: 70 posts inserted, 0 updated/);
    // The stories' GoogleSQL ran on BigQuery (the fake runs it, rewritten for DuckDB): every post assigned.
    expect(first.stdout).toMatch(/stories\s+70 posts assigned, \d+ new stories/);

    const keys = [...gcs.objects(BUCKET).keys()];
    expect(keys.filter((k) => /^pulse\/raw\/source=(mastodon|hackernews)\/dt=\d{4}-\d{2}-\d{2}\/.+\.json\.gz$/.test(k)).length).toBeGreaterThan(0);
    const parquet = keys.filter((k) => /^pulse\/posts\/source=\w+\/dt=[\d-]+\/part-.+\.parquet$/.test(k));
    expect(parquet.length).toBeGreaterThan(0);
    expect(keys).toContain('pulse/_state/cursors.json');
    expect(keys.filter((k) => k.includes('.tmp') || k.includes('doctor'))).toEqual([]);
    // Raw pages are created once: every raw upload carried ifGenerationMatch=0.
    const rawUploads = gcs.requests.filter((r) => r.path.startsWith('/upload/') && r.query.name?.startsWith('pulse/raw/'));
    expect(rawUploads.length).toBeGreaterThan(0);
    expect(rawUploads.every((r) => r.query.ifGenerationMatch === '0')).toBe(true);

    const count = async () => Number((await bq.sql<{ n: bigint }>('SELECT count(*) AS n FROM social_pulse.posts'))[0]!.n);
    expect(await count()).toBe(70);
    const loads = [...bq.jobs.values()].filter((j) => j.configuration.load?.destinationTable.tableId.startsWith('_pulse_stage_posts_'));
    expect(loads).toHaveLength(1);
    // The first observation of every post, at scrape time, is loaded into post_metrics too.
    expect(Number((await bq.sql<{ n: bigint }>('SELECT count(*) AS n FROM social_pulse.post_metrics'))[0]!.n)).toBe(70);
    expect([...loads[0]!.configuration.load.sourceUris].sort()).toEqual(parquet.map((k) => `gs://${BUCKET}/${k}`).sort());
    expect(bq.calls.some((c) => c.path.endsWith('/insertAll'))).toBe(false);
    const runs = await bq.sql<{ step: string; status: string }>(`SELECT step, status FROM social_pulse.pipeline_runs WHERE source = '*' ORDER BY started_at`);
    expect(runs.map((r) => [r.step, r.status])).toEqual([['scrape', 'ok'], ['lake-write', 'ok'], ['load', 'ok']]);

    // New posts upstream: the second run fetches, rewrites and loads only those partitions.
    hits.push(...Array.from({ length: 5 }, (_, i) => algoliaHit(String(43000000 + i), t0 + 3600 + i * 60)));
    const second = await pulse(['run', '--skip', 'enrich', '--config', ws.config], env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    // The newest known item is fetched again (the cursor's overlap), with fresher metrics: 1 updated.
    expect(second.stdout).toMatch(/hackernews\s+ok\s+1 pages, 6 posts/);
    expect(second.stdout).toMatch(/load\s+1 Parquet files → bigquery:\/\/pulse-e2e-proj\/social_pulse: 5 posts inserted, 1 updated/);
    expect(await count()).toBe(75);

    // pulse status reads BigQuery the way it reads DuckDB.
    const status = await pulse(['status', '--json', '--config', ws.config], env);
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout);
    expect(st.sources.map((s: { source: string; posts: number }) => [s.source, s.posts])).toEqual([['mastodon', 30], ['hackernews', 45]]);
    expect(st.sources[1].last_run.status).toBe('ok');
    expect(st.sources[1].newest_post).toMatch(/^2026-11-\d\dT/);

    const doctor = await pulse(['doctor', '--offline', '--config', ws.config], env);
    expect(doctor.stdout).toMatch(/ok\s+gcs bucket\s+gs:\/\/pulse-e2e-lake exists/);
    expect(doctor.stdout).toMatch(/ok\s+bigquery dataset\s+pulse-e2e-proj\.social_pulse exists/);
    expect(doctor.stdout).toMatch(/ok\s+lake\s+gs:\/\/pulse-e2e-lake\/pulse is writable/);
    expect(doctor.stdout).toMatch(/ok\s+warehouse\s+bigquery:\/\/pulse-e2e-proj\/social_pulse: 75 posts/);
    expect(doctor.code).toBe(0);

    // pipeline_runs says what each load cost in BigQuery; the MERGE named the days it could touch.
    const loadRuns = await bq.sql<{ details: string }>(`SELECT details FROM social_pulse.pipeline_runs WHERE step = 'load' AND source = '*' ORDER BY started_at`);
    expect(loadRuns.map((r) => JSON.parse(r.details).bytesBilled > 0)).toEqual([true, true]);
    const sent = bq.calls.map((c) => c.body?.configuration?.query?.query as string | undefined).filter((q): q is string => !!q);
    const merges = sent.filter((q) => q.startsWith('MERGE INTO `pulse-e2e-proj.social_pulse.posts`'));
    expect(merges).toHaveLength(2);
    for (const q of merges) expect(q).toMatch(/AND t\.`created_at` >= TIMESTAMP\('2026-11-\d\dT00:00:00\.000Z'\) AND t\.`created_at` < TIMESTAMP\(/);

    // Every statement BigQuery received (loads, checks, runs, watermarks, the orchestrator's,
    // status, doctor) resolves under ZetaSQL against the schema, with the types the client sent.
    const zeta = await startZetaSql({ project: PROJECT, dataset: 'social_pulse' });
    closers.push(zeta);
    const { analysed, problems } = await zeta.analyzeJobs(bq.calls);
    expect(problems).toEqual([]);
    expect(analysed).toBe(sent.length);
    for (const from of [/FROM dq_checks/, /QUALIFY row_number\(\) OVER \(PARTITION BY step, source/, /^SELECT count\(\*\) AS n FROM posts$/, /^UPDATE pipeline_runs/]) {
      expect(sent.some((q) => from.test(q)), String(from)).toBe(true);
    }
  });

  it('doctor says what to fix when the bucket and the dataset are missing', async () => {
    const gcs = await startFakeGcs({ buckets: [] });
    const bq = await startFakeBigQuery({ project: PROJECT, readObject: () => undefined });
    closers.push(gcs, bq);
    const ws = await workspace(`
lake: gs://no-such-bucket/pulse
warehouse: bigquery://${PROJECT}/missing_ds
sources:
  - type: hackernews
    queries: ["x"]
`);
    const r = await pulse(['doctor', '--offline', '--config', ws.config], { STORAGE_EMULATOR_HOST: gcs.url, BIGQUERY_EMULATOR_HOST: bq.url });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+gcs bucket\s+gs:\/\/no-such-bucket does not exist\. Fix: `pulumi up` creates it/);
    expect(r.stdout).toMatch(/FAIL\s+bigquery dataset\s+pulse-e2e-proj\.missing_ds does not exist\. Fix: `pulumi up` creates it/);
  });
});
