import { readFile } from 'node:fs/promises';
import { posts as postsTable, type Post } from '@social-pulse/schema';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../bigquery/warehouse.ts';
import { emulatorClientOptions, parquetOf, samplePost, startFakeBigQuery, type FakeBigQuery } from '../testing/index.ts';
import { pendingAlerts, recordAlert } from './alerts.ts';
import { DEFAULT_DETECTOR } from './baseline.ts';
import { detectEvents } from './detect.ts';

/**
 * The detector's BigQuery text run, not only analysed: on the fake BigQuery (GoogleSQL
 * rewritten for DuckDB), a planted spike is the one event, found with the figures the DuckDB
 * text finds (detect.spec.ts), and its alert bookkeeping works.
 */
const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
}, 60_000);
afterAll(async () => {
  await fake?.close();
});

const HOUR = 3_600_000;
const START = Date.parse('2026-10-05T00:00:00Z');
const HOURS = 3 * 168;

describe('detectEvents on the fake BigQuery', () => {
  it('a planted hashtag spike is one open event; a flat series none; a second pass opens nothing; alerts are recorded', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'ev', client: emulatorClientOptions(fake.url), log: pino({ level: 'silent' }) });
    await w.ensureSchema();
    const rows: Post[] = [];
    for (let h = 0; h < HOURS; h++) {
      for (const tag of ['spiky', 'flat']) {
        const n = tag === 'spiky' && h === HOURS - 1 ? 60 : 3 + (h % 3);
        for (let i = 0; i < n; i++) {
          const created = new Date(START + h * HOUR + i * 1000).toISOString();
          rows.push(samplePost(`${tag}-${h}-${i}`, { hashtags: [tag], created_at: created, collected_at: new Date(START + HOURS * HOUR - 60_000).toISOString() }));
        }
      }
    }
    objects.set('gs://b/p.parquet', await readFile(await parquetOf(postsTable, rows)));
    await w.loadPosts(['gs://b/p.parquet']);
    const now = new Date(START + (HOURS - 1) * HOUR + 30 * 60_000);
    const r = await detectEvents(w, { ...DEFAULT_DETECTOR, now, kinds: ['hashtag', 'entity', 'topic'] });
    expect(r.window).toEqual({ from: new Date(START).toISOString(), to: new Date(START + HOURS * HOUR).toISOString() });
    expect(r.opened.map((e) => [e.kind, e.key, e.started_at, e.observed, e.expected, e.status])).toEqual([
      ['hashtag', 'spiky', new Date(START + (HOURS - 1) * HOUR).toISOString(), 60, 5, 'open'], // that hour of every day had 3 + (503 mod 3) = 5
    ]);
    expect(r.opened[0]!.score).toBeCloseTo(2 * (Math.sqrt(60) - Math.sqrt(5)), 9);
    const counted = await w.query<{ n: bigint }>('SELECT SUM(n) AS n FROM event_counts');
    expect(Number(counted[0]!.n)).toBe(rows.length);

    expect((await detectEvents(w, { ...DEFAULT_DETECTOR, now, kinds: ['hashtag', 'entity', 'topic'] })).opened).toEqual([]);
    const [pending] = await pendingAlerts(w);
    expect(pending?.key).toBe('spiky');
    await recordAlert(w, pending!.event_id, { ok: false, error: 'HTTP 503' });
    await recordAlert(w, pending!.event_id, { ok: true, at: now });
    expect(await pendingAlerts(w)).toEqual([]);
    const [row] = await w.query<{ notify_attempts: number; notified_at: string }>('SELECT notify_attempts, notified_at FROM events');
    expect([Number(row!.notify_attempts), row!.notified_at]).toEqual([2, now.toISOString()]);
  }, 120_000);
});
