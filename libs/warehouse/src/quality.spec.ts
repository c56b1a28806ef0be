import type { PipelineRun } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from './duckdb/warehouse.ts';
import { describeFailedChecks, QUALITY_SQL, runQualityChecks, usualRange } from './quality.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const HOUR = 3_600_000;

async function warehouse(): Promise<DuckDBWarehouse> {
  const w = await DuckDBWarehouse.open(':memory:');
  await w.ensureSchema();
  return w;
}

/** Inserts posts with SQL (bypassing the loader) so that each test controls the rows exactly. */
async function insertPost(w: DuckDBWarehouse, id: string, over: Record<string, string> = {}): Promise<void> {
  const v = {
    post_id: `'hackernews:${id}'`, source: `'hackernews'`, native_id: `'${id}'`, url: `'https://news.ycombinator.com/item?id=${id}'`,
    kind: `'story'`, author_id: `'a'`, author_handle: `'a'`, author_name: `'a'`, created_at: `TIMESTAMPTZ '2026-11-24 10:00:00+00'`,
    collected_at: `TIMESTAMPTZ '2026-11-24 11:00:00+00'`, text: `'t'`, like_count: 'NULL', reply_count: '3',
    hashtags: '[]', mentions: '[]', links: '[]', queries: `['q']`, ...over,
  };
  await w.query(`INSERT INTO posts (${Object.keys(v).join(', ')}) VALUES (${Object.values(v).join(', ')})`);
}

function scrapeRun(source: string, n: number, rowsOut: number, status: PipelineRun['status'] = 'ok', hoursAgo = n): PipelineRun {
  const t = new Date(NOW.getTime() - hoursAgo * HOUR).toISOString();
  return {
    run_id: `r${String(100 - n).padStart(3, '0')}`, step: 'scrape', source, started_at: t, finished_at: t, status,
    rows_in: 1, rows_out: rowsOut, rows_rejected: 0, retries: 0, error: status === 'failed' ? 'mastodon: connection reset' : null, details: null,
  };
}

const opts = { runId: 'run-now', now: NOW, sources: ['hackernews'], scheduleMs: HOUR };

describe('data-quality checks', () => {
  it('pass on clean data and are recorded in dq_checks', async () => {
    const w = await warehouse();
    await insertPost(w, '1');
    await insertPost(w, '2');
    for (let i = 0; i < 5; i++) await w.recordRun(scrapeRun('hackernews', i, 40 + i));
    const checks = await runQualityChecks(w, opts);
    expect(checks.map((c) => [c.check_name, c.source, c.status])).toEqual([
      ['post_id_unique', '*', 'pass'],
      ['required_not_null', '*', 'pass'],
      ['counts_not_negative', '*', 'pass'],
      ['created_at_not_future', '*', 'pass'],
      ['volume_in_range', 'hackernews', 'pass'],
      ['freshness', 'hackernews', 'pass'],
    ]);
    expect(describeFailedChecks(checks)).toEqual([]);
    const stored = await w.query<{ n: bigint }>(`SELECT count(*) AS n FROM dq_checks WHERE run_id = 'run-now' AND status = 'pass'`);
    expect(Number(stored[0]!.n)).toBe(6);
    await w.close();
  });

  it('answer post_id_unique from the primary key DuckDB enforces, without counting every post_id', async () => {
    const w = await warehouse();
    await insertPost(w, '1');
    const sent: unknown[] = [];
    const query = w.query.bind(w);
    w.query = ((sql: Parameters<typeof query>[0], params?: Parameters<typeof query>[1]) => (sent.push(sql), query(sql, params))) as typeof w.query;
    const checks = await runQualityChecks(w, { ...opts, sources: [] });
    expect(checks.find((c) => c.check_name === 'post_id_unique')).toMatchObject({ status: 'pass', observed: 0 });
    expect(sent).not.toContainEqual(QUALITY_SQL.duplicates);
    // The same table without its key (as in BigQuery) is counted: the next test's duplicates are found that way.
    await w.query(`CREATE OR REPLACE TABLE posts AS SELECT * FROM posts`);
    await runQualityChecks(w, { ...opts, sources: [] });
    expect(sent).toContainEqual(QUALITY_SQL.duplicates);
    await w.close();
  });

  it('catch duplicates, nulls, empty ids, negative counts and future dates where the table does not enforce them (as in BigQuery)', async () => {
    const w = await warehouse();
    // BigQuery enforces neither primary keys nor NOT NULL on MERGEd data: play that table here.
    await w.query(`CREATE OR REPLACE TABLE posts AS SELECT * FROM posts WHERE false`);
    await w.query(`ALTER TABLE posts ALTER author_handle DROP NOT NULL`);
    await insertPost(w, '1');
    await insertPost(w, '1', { text: `'other content'` });
    await insertPost(w, '2', { author_handle: 'NULL', url: `''` });
    await insertPost(w, '3', { like_count: '-4', reply_count: '-1' });
    await insertPost(w, '4', { created_at: `TIMESTAMPTZ '2027-01-01 00:00:00+00'` });
    await insertPost(w, '5', { created_at: `TIMESTAMPTZ '2026-11-24 12:05:00+00'` }); // within the clock-skew allowance
    const checks = await runQualityChecks(w, { ...opts, sources: [] });
    const byName = Object.fromEntries(checks.map((c) => [c.check_name, c]));
    expect(byName.post_id_unique).toMatchObject({ status: 'fail', observed: 1, severity: 'error' });
    expect(byName.required_not_null).toMatchObject({ status: 'fail', observed: 2 });
    expect(byName.required_not_null!.message).toBe('null or empty required fields: url (1), author_handle (1)');
    expect(byName.counts_not_negative).toMatchObject({ status: 'fail', observed: 2, message: 'negative counts: like_count (1), reply_count (1)' });
    expect(byName.created_at_not_future).toMatchObject({ status: 'fail', observed: 1 });
    expect(byName.created_at_not_future!.message).toContain('hackernews 1 (up to 2027-01-01T00:00:00.000Z)');
    expect(describeFailedChecks(checks)).toHaveLength(4);
    await w.close();
  });

  it('judge each source’s volume against the median of its earlier runs, once there are enough', async () => {
    const w = await warehouse();
    await w.recordRun(scrapeRun('hackernews', 0, 0));
    await w.recordRun(scrapeRun('hackernews', 1, 40));
    await w.recordRun(scrapeRun('hackernews', 2, 40));
    let [volume] = (await runQualityChecks(w, opts)).filter((c) => c.check_name === 'volume_in_range');
    expect(volume).toMatchObject({ status: 'skipped', observed: 0 });
    for (let i = 3; i < 8; i++) await w.recordRun(scrapeRun('hackernews', i, 36 + i));
    await w.recordRun(scrapeRun('hackernews', 8, 5000, 'failed')); // failed runs are not history
    [volume] = (await runQualityChecks(w, opts)).filter((c) => c.check_name === 'volume_in_range');
    expect(volume).toMatchObject({ status: 'fail', severity: 'warn', observed: 0, expected: '10..160 (median 40 of 7 runs)' });
    expect(volume!.message).toBe('0 posts in run r100, usually 10..160 (median 40)');
    expect(usualRange([1, 2, 3])).toEqual({ median: 2, low: 0, high: 20 });
    await w.close();
  });

  it('flag a source not scraped successfully within twice the schedule, saying why', async () => {
    const w = await warehouse();
    await w.recordRun(scrapeRun('mastodon', 3, 10, 'ok', 3));
    await w.recordRun(scrapeRun('mastodon', 0, 0, 'failed', 0));
    await w.recordRun(scrapeRun('hackernews', 0, 10, 'ok', 0.5));
    await w.recordRun({ ...scrapeRun('x', 0, 0, 'skipped', 0), error: 'X_BEARER_TOKEN not set' });
    const checks = (await runQualityChecks(w, { ...opts, sources: ['mastodon', 'hackernews', 'x', 'reddit'] })).filter((c) => c.check_name === 'freshness');
    expect(checks.map((c) => [c.source, c.status, c.observed])).toEqual([
      ['mastodon', 'fail', 3],
      ['hackernews', 'pass', 0.5],
      ['x', 'skipped', null],
      ['reddit', 'fail', null],
    ]);
    expect(checks[0]!.message).toBe('last successful scrape 3.0h ago (2026-11-24T09:00:00.000Z); the last scrape failed: mastodon: connection reset');
    expect(checks[2]!.message).toBe('never scraped: X_BEARER_TOKEN not set');
    expect(checks[3]!.message).toBe('never scraped successfully');
    await w.close();
  });
  it('catch raw pages that landed while the lake writer merged nothing (a watermark ahead of them)', async () => {
    const w = await warehouse();
    const step = (step: 'scrape' | 'lake-write', run: string, hoursAgo: number, rows: number): PipelineRun => {
      const t = new Date(NOW.getTime() - hoursAgo * HOUR).toISOString();
      return {
        run_id: run, step, source: '*', started_at: t, finished_at: t, status: 'ok', rows_in: step === 'scrape' ? 1 : rows,
        rows_out: step === 'scrape' ? rows : 0, rows_rejected: 0, retries: 0, error: null, details: null,
      };
    };
    await w.recordRun(step('scrape', 'r1', 5, 30));
    await w.recordRun(step('lake-write', 'r1', 4.9, 30));
    // A run that found nothing new, then one whose scrape landed posts that the lake writer did not read.
    await w.recordRun(step('scrape', 'r2', 3, 0));
    await w.recordRun(step('lake-write', 'r2', 2.9, 0));
    const quiet = (await runQualityChecks(w, opts)).find((c) => c.check_name === 'raw_merged');
    expect(quiet).toMatchObject({ status: 'pass', observed: 0 });
    await w.recordRun(step('scrape', 'r3', 1, 12));
    await w.recordRun({ ...step('scrape', 'r3', 1, 0), source: 'hackernews' }); // per-source rows are not counted twice
    await w.recordRun(step('lake-write', 'r3', 0.9, 0));
    const checks = await runQualityChecks(w, opts);
    const merged = checks.find((c) => c.check_name === 'raw_merged');
    expect(merged).toMatchObject({ status: 'fail', severity: 'error', source: '*', observed: 0 });
    expect(merged!.message).toBe(
      'scrapes landed 12 posts in raw/ since the previous lake-write, but lake-write of run r3 merged none: ' +
        'its watermark (_state/lake-writer.json, rawThrough) may be ahead of the raw pages; deleting that file makes the next lake-write merge every raw page again',
    );
    expect(describeFailedChecks(checks)).toContain(`FAILED raw_merged: ${merged!.message}`);
  });

  it('read only the days of the load when given them (BigQuery bills what they read), the whole table otherwise', async () => {
    const w = await warehouse();
    await w.query(`CREATE OR REPLACE TABLE posts AS SELECT * FROM posts WHERE false`);
    await insertPost(w, 'old', { created_at: `TIMESTAMPTZ '2026-11-10 10:00:00+00'`, like_count: '-1', author_handle: `''` });
    await insertPost(w, 'new');
    const status = (checks: { check_name: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.check_name, c.status]));
    const all = status(await runQualityChecks(w, { ...opts, sources: [] }));
    expect(all).toMatchObject({ required_not_null: 'fail', counts_not_negative: 'fail' });
    const load = status(await runQualityChecks(w, { ...opts, sources: [], partitions: { from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' } }));
    expect(load).toMatchObject({ required_not_null: 'pass', counts_not_negative: 'pass' });
    const nothing = status(await runQualityChecks(w, { ...opts, sources: [], partitions: null }));
    expect(nothing).toMatchObject({ required_not_null: 'pass', counts_not_negative: 'pass', created_at_not_future: 'pass' });
    await w.close();
  });
});
