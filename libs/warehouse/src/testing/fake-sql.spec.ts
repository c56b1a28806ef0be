import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_SQL } from '../quality.ts';
import { BigQueryWarehouse } from '../bigquery/warehouse.ts';
import { silentLogger } from '@social-pulse/runtime';
import { emulatorClientOptions, startFakeBigQuery, type FakeBigQuery } from './index.ts';

let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: () => undefined });
});
afterAll(() => fake.close());

describe('the fake BigQuery', () => {
  it('runs every BigQuery text of the data-quality checks', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'fake_sql', client: emulatorClientOptions(fake.url), log: silentLogger });
    await w.ensureSchema();
    for (const [name, sql] of Object.entries(QUALITY_SQL)) {
      await expect(w.query(sql, { now: '2026-11-24T00:00:00.000Z', loadFrom: '2026-11-23T00:00:00.000Z', loadTo: '2026-11-25T00:00:00.000Z' }), name).resolves.toBeInstanceOf(Array);
    }
  });

  it('gives TIMESTAMP_DIFF and SAFE_DIVIDE GoogleSQL\'s answers', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'fake_sql3', client: emulatorClientOptions(fake.url), log: silentLogger });
    await w.ensureSchema();
    // Whole units from the second instant to the first, truncated toward zero (not boundaries crossed: 0 hours, not 1).
    const [r] = await w.query<Record<string, unknown>>(`SELECT
      TIMESTAMP_DIFF(TIMESTAMP('2026-11-24T01:10:00Z'), TIMESTAMP('2026-11-24T00:50:00Z'), HOUR) AS h,
      TIMESTAMP_DIFF(TIMESTAMP('2026-11-24T00:00:00Z'), TIMESTAMP('2026-11-24T01:30:00Z'), HOUR) AS back,
      TIMESTAMP_DIFF(TIMESTAMP('2026-11-24T00:01:00.900Z'), TIMESTAMP('2026-11-24T00:00:00Z'), SECOND) AS s,
      SAFE_DIVIDE(7, 2) AS half, SAFE_DIVIDE(1, 0) AS by_zero, IFNULL(SAFE_DIVIDE(3, 0), 0) AS zeroed`);
    expect(r).toEqual({ h: 0, back: -1, s: 60, half: 3.5, by_zero: null, zeroed: 0 });
  });

  it('fails a query it cannot run the way BigQuery does, with invalidQuery', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'fake_sql2', client: emulatorClientOptions(fake.url), log: silentLogger });
    await w.ensureSchema();
    await expect(w.query('SELECT APPROX_TOP_COUNT(source, 1) FROM posts')).rejects.toThrow(/approx_top_count/i);
  });
});
