/**
 * Events on the dashboard: the API's events (those overlapping the period), the list, and the
 * marks on the volume chart in a real browser.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventRow } from '@social-pulse/schema';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../src/access.ts';
import { buildServer } from '../src/server.ts';
import { launchBrowser } from '../src/testing/browser.ts';
import { END, knownData } from '../src/testing/fixtures.ts';
import { seedWarehouse } from '../src/testing/seed.ts';
import type { DashboardData } from '../src/types.ts';

const ev = (id: string, over: Partial<EventRow>): EventRow => ({
  event_id: id, kind: 'hashtag', key: 'duckdb', started_at: '2026-11-24T08:00:00.000Z', last_seen_at: '2026-11-24T09:00:00.000Z', observed: 40, expected: 4.5, score: 8.4,
  status: 'closed', detected_at: '2026-11-23T09:30:00.000Z', updated_at: '2026-11-23T10:30:00.000Z', notified_at: null, notify_attempts: 0, notify_error: null, ...over,
});

let dir: string;
let app: ReturnType<typeof buildServer>;
let access: WarehouseAccess;
const context = { scheduleSeconds: 3600, configuredSources: ['mastodon', 'hackernews'] };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dash-events-'));
  const w = await DuckDBWarehouse.open(path.join(dir, 'warehouse.duckdb'));
  await seedWarehouse(w, knownData());
  await w.recordEvents([
    ev('in', {}),
    ev('entity', { kind: 'entity', key: 'product:dbt', started_at: '2026-11-20T14:00:00.000Z', last_seen_at: '2026-11-20T14:00:00.000Z', score: 12 }),
    ev('before', { key: 'old', started_at: '2026-11-01T09:00:00.000Z', last_seen_at: '2026-11-01T10:00:00.000Z' }),
  ]);
  await w.close();
  access = WarehouseAccess.of({ kind: 'duckdb', path: path.join(dir, 'warehouse.duckdb') });
  app = buildServer({ access, context, now: () => new Date(END), allowedHosts: ['127.0.0.1'] });
});
afterAll(async () => {
  await app?.close();
  await access?.close();
});

async function view(a: ReturnType<typeof buildServer>, query: string): Promise<DashboardData> {
  const res = await a.inject({ url: `/api/dashboard?${query}`, headers: { host: '127.0.0.1' } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DashboardData;
}

describe('events on the dashboard', () => {
  it('the API gives the events overlapping the period, strongest first', async () => {
    const d = await view(app, 'period=7d');
    expect(d.events.map((e) => [e.id, e.kind, e.key, e.startedAt, e.observed, e.score])).toEqual([
      ['entity', 'entity', 'product:dbt', '2026-11-20T14:00:00.000Z', 40, 12],
      ['in', 'hashtag', 'duckdb', '2026-11-24T08:00:00.000Z', 40, 8.4],
    ]);
    expect((await view(app, 'period=24h')).events.map((e) => e.id)).toEqual(['in']);
  });

  it('a warehouse without the events table shows no events, and every other panel', async () => {
    const file = path.join(dir, 'old.duckdb');
    const w = await DuckDBWarehouse.open(file);
    await seedWarehouse(w, knownData());
    await w.query('DROP TABLE events');
    await w.close();
    const old = WarehouseAccess.of({ kind: 'duckdb', path: file });
    const a = buildServer({ access: old, context, now: () => new Date(END), allowedHosts: ['127.0.0.1'] });
    try {
      const d = await view(a, 'period=7d');
      expect(d.events).toEqual([]);
      expect(d.headline.current.posts).toBeGreaterThan(0);
    } finally {
      await a.close();
      await old.close();
    }
  });

  it('lists the events and marks them on the volume chart (a browser)', async () => {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await launchBrowser(base);
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${base}/?period=7d`);
      await page.waitForSelector('#app[data-ready=true]');
      const rows = await page.locator('table[data-table=events] tbody tr').allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/dbt.*entity.*40.*4\.5.*12\.0.*closed/);
      expect(rows[1]).toMatch(/#duckdb.*hashtag/);
      // The numbers under the chart name the events of each day; the chart has a dataset of marks.
      expect(await page.locator('table[data-chart=volume] thead th').last().textContent()).toBe('events');
      const marked = await page.locator('table[data-chart=volume] td.events').allTextContents();
      expect(marked.filter(Boolean)).toEqual(['dbt', '#duckdb']);
      // A string, evaluated in the page (this file is type-checked without the DOM's types).
      const datasets = (await page.evaluate(`(() => {
        const canvas = document.querySelector('[data-chart-id=volume] canvas');
        return window.Chart.getChart(canvas).data.datasets.map((d) => ({ label: d.label, marked: d.data.filter((x) => x !== null).length }));
      })()`)) as { label: string; marked: number }[];
      expect(datasets.find((d) => d.label === 'events')).toEqual({ label: 'events', marked: 2 });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
