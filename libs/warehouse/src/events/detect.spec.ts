import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../duckdb/warehouse.ts';
import { DEFAULT_DETECTOR, spikeRuns } from './baseline.ts';
import { detectEvents, foldSpikes, type DetectOptions } from './detect.ts';
import { seededRandom } from '@social-pulse/runtime';
import { poissonSeries, seasonalRate } from './synthetic.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-10-05T00:00:00Z'); // a Monday
const HOURS = 3 * 168 + 24;

/** Posts of one hashtag, `series[i]` of them in hour i, collected at `collectedAt`; with labels naming `entity` when given. */
async function plant(w: DuckDBWarehouse, tag: string, series: readonly number[], collectedAt: string, first = 0, entity?: string): Promise<void> {
  const values = series.map((n, i) => `(${first + i}, ${n})`).filter((_, i) => series[i]! > 0);
  if (!values.length) return;
  await w.query(`INSERT INTO posts (post_id, source, native_id, url, kind, author_id, author_handle, author_name, created_at, collected_at, "text", hashtags, mentions, links, queries)
    SELECT 'x:${tag}-' || h || '-' || i, 'x', '${tag}-' || h || '-' || i, 'https://x.com/i', 'post', '1', 'a', 'A',
      TIMESTAMPTZ '${new Date(START).toISOString()}' + to_hours(h) + to_seconds(i), TIMESTAMPTZ '${collectedAt}', 't', ['${tag}'], [], [], ['q']
    FROM (VALUES ${values.join(', ')}) AS s(h, n), range(n) AS r(i)`);
  if (entity) {
    await w.query(`INSERT INTO post_nlp SELECT post_id, created_at, 'h', [], [{'label': 'databases', 'score': 0.9}], [{'type': 'product', 'text': '${entity}', 'score': 0.9}], 'neutral', 0.5, collected_at
      FROM posts WHERE post_id LIKE 'x:${tag}-%' AND post_id NOT IN (SELECT post_id FROM post_nlp)`);
  }
}

const at = (h: number) => new Date(START + h * HOUR);
const opts = (now: Date, over: Partial<DetectOptions> = {}): DetectOptions => ({ ...DEFAULT_DETECTOR, now, kinds: ['hashtag', 'entity', 'topic'], ...over });

async function open(): Promise<DuckDBWarehouse> {
  const w = await DuckDBWarehouse.open(path.join(await mkdtemp(path.join(os.tmpdir(), 'events-')), 'w.duckdb'));
  await w.ensureSchema();
  return w;
}

describe('detectEvents on DuckDB', () => {
  it('a planted spike is one event (of its hashtag, its entity and its topic), the same hours as the reference arithmetic; flat and seasonal series make none; a second pass changes nothing; close then refire is a new event', async () => {
    const w = await open();
    try {
      const rand = seededRandom(5);
      const spiky = poissonSeries(HOURS, () => 8, rand);
      const spikeAt = HOURS - 2;
      spiky[spikeAt] = 70;
      const flat = poissonSeries(HOURS, () => 8, rand);
      const weekly = poissonSeries(HOURS, (h) => seasonalRate(h, { base: 20, dailyAmplitude: 0.8, weekendFactor: 0.25 }), rand);
      const collected = at(HOURS - 1).toISOString();
      await plant(w, 'spiky', spiky, collected, 0, 'Pulsar');
      await plant(w, 'flat', flat, collected);
      await plant(w, 'weekly', weekly, collected);
      const now = new Date(START + (HOURS - 1) * HOUR + 30 * 60_000);

      const r = await detectEvents(w, opts(now));
      expect(r.window).toEqual({ from: at(0).toISOString(), to: at(HOURS).toISOString() });
      expect(r.opened.map((e) => [e.kind, e.key, e.started_at, e.status, e.observed])).toEqual([
        ['entity', 'product:pulsar', at(spikeAt).toISOString(), 'open', 70],
        ['hashtag', 'spiky', at(spikeAt).toISOString(), 'open', 70],
        ['topic', 'databases', at(spikeAt).toISOString(), 'open', 70],
      ]);
      // The SQL computes what baseline.ts computes, hour for hour.
      const reference = spikeRuns(spiky)[0]!;
      expect(reference.startHour).toBe(spikeAt);
      const ev = r.opened.find((e) => e.kind === 'hashtag')!;
      expect(ev.expected).toBeCloseTo(reference.peak.expected, 9);
      expect(ev.score).toBeCloseTo(reference.peak.score, 9);
      expect(spikeRuns(flat)).toEqual([]);
      expect(spikeRuns(weekly)).toEqual([]);
      const counts = await w.query<{ kind: string; n: bigint }>(`SELECT kind, sum(n) AS n FROM event_counts GROUP BY kind ORDER BY kind`);
      const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(counts.map((c) => [c.kind, Number(c.n)])).toEqual([
        ['entity', total(spiky)],
        ['hashtag', total(spiky) + total(flat) + total(weekly)],
        ['topic', total(spiky)],
      ]);

      // Nothing new: the overlap recounts the latest hours, to the same counts; nothing opened or changed.
      const again = await detectEvents(w, opts(now));
      expect(again).toMatchObject({ opened: [], extended: 0, closed: 0 });
      expect(await w.query('SELECT kind, sum(n) AS n FROM event_counts GROUP BY kind ORDER BY kind')).toEqual(counts);

      // The spike goes on for another hour: the same event, grown.
      await plant(w, 'spiky', [90], at(HOURS).toISOString(), HOURS);
      const grown = await detectEvents(w, opts(new Date(now.getTime() + HOUR)));
      expect(grown.opened).toEqual([]);
      expect(grown.extended).toBe(1);
      const [row] = await w.query<{ last_seen_at: string; observed: number; status: string }>(`SELECT last_seen_at, observed, status FROM events WHERE kind = 'hashtag'`);
      expect([row!.last_seen_at, Number(row!.observed), row!.status]).toEqual([at(HOURS).toISOString(), 90, 'open']);

      // Quiet hours: closed after closeAfterHours complete hours without a spike.
      const quiet = poissonSeries(4, () => 8, rand);
      await plant(w, 'spiky', quiet, at(HOURS + 4).toISOString(), HOURS + 1);
      const later = new Date(START + (HOURS + 4) * HOUR + 10 * 60_000);
      const closing = await detectEvents(w, opts(later));
      expect(closing.opened).toEqual([]);
      expect(closing.closed).toBe(3);
      // It spikes again: a new event.
      await plant(w, 'spiky', [80], at(HOURS + 5).toISOString(), HOURS + 5);
      const refire = await detectEvents(w, opts(new Date(later.getTime() + HOUR)));
      expect(refire.opened.map((e) => [e.kind, e.started_at, e.status])).toEqual([['hashtag', at(HOURS + 5).toISOString(), 'open']]);
      const all = await w.query<{ status: string; n: bigint }>(`SELECT status, count(*) AS n FROM events WHERE kind = 'hashtag' GROUP BY status ORDER BY status`);
      expect(all.map((a) => [a.status, Number(a.n)])).toEqual([['closed', 1], ['open', 1]]);
    } finally {
      await w.close();
    }
  }, 120_000);

  it('judges nothing in the first two weeks of data (a fresh warehouse does not alarm on its backfill)', async () => {
    const w = await open();
    try {
      const series = new Array<number>(300).fill(2);
      series[250] = 200;
      await plant(w, 'early', series, at(300).toISOString());
      const r = await detectEvents(w, opts(at(300)));
      expect(r.spikes).toBe(0);
      expect(await w.query('SELECT * FROM events')).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

describe('foldSpikes', () => {
  const sp = (h: number, score = 10) => ({ kind: 'hashtag' as const, key: 'k', hour: at(h).toISOString(), observed: 50, expected: 5, score });
  it('joins spikes closer than closeAfter, splits farther ones, and keeps a recount of a closed event in it', () => {
    const now = at(100);
    const first = foldSpikes([], [sp(10), sp(11), sp(13), sp(20)], { closeAfterHours: 2 }, now);
    expect(first.rows.map((r) => [r.started_at, r.last_seen_at, r.status])).toEqual([
      [at(10).toISOString(), at(13).toISOString(), 'closed'],
      [at(20).toISOString(), at(20).toISOString(), 'closed'],
    ]);
    const recount = foldSpikes(first.rows, [sp(11, 9), sp(20, 10)], { closeAfterHours: 2 }, now);
    expect(recount.rows).toEqual([]);
    const higher = foldSpikes(first.rows, [sp(12, 30)], { closeAfterHours: 2 }, now);
    expect(higher.rows.map((r) => [r.event_id, r.score])).toEqual([[first.rows[0]!.event_id, 30]]);
  });
});
