import { readFileSync } from 'node:fs';
import type { DialectSql, Params, Warehouse } from '@social-pulse/warehouse';
import { describe, expect, it } from 'vitest';
import { parseFilters } from './filters.ts';
import { LIMITS, loadDashboard } from './panels.ts';
import * as SQL from './sql.ts';

/**
 * The checklist of CONTRIBUTING.md "Adding a dashboard panel": a panel that the API returns is
 * drawn by the page, every limit belongs to a panel, and every statement the panels send is
 * declared in sql.ts in both dialects (which the ZetaSQL spec then analyses).
 */

/** A warehouse that answers every statement with no rows (the tables it probes exist), recording what was sent. */
function empty(kind: 'duckdb' | 'bigquery'): { w: Warehouse; sent: string[] } {
  const sent: string[] = [];
  const probes = [SQL.QUALITY_TABLE, SQL.STORIES_TABLE, SQL.ROLLUPS_READY].map((s) => s[kind]);
  const w = {
    kind,
    uri: kind === 'duckdb' ? 'duckdb::memory:' : 'bigquery://pulse-test/checklist',
    async query(sql: DialectSql | string, _params: Params = {}) {
      const text = typeof sql === 'string' ? sql : sql[kind];
      sent.push(text);
      return probes.includes(text) ? [{ n: 1 }] : [];
    },
  } as unknown as Warehouse;
  return { w, sent };
}

/** Keys of the API's answer that are not panels: what the page is about, not what it shows in a section. */
const NOT_PANELS = new Set(['generatedAt', 'warehouse', 'filters', 'window', 'timings', 'options']);

const ctx = { scheduleSeconds: 3600, configuredSources: ['hackernews'], now: new Date('2026-11-24T12:00:00Z') };
const render = readFileSync(new URL('./client/render.ts', import.meta.url), 'utf8');

describe('Adding a dashboard panel: the checklist', () => {
  it('every panel the API returns is drawn by the page (client/render.ts reads d.<panel>)', async () => {
    const d = await loadDashboard(empty('duckdb').w, parseFilters({ period: '7d' }, ctx.now), ctx);
    const panels = Object.keys(d).filter((k) => !NOT_PANELS.has(k));
    expect(panels.length).toBeGreaterThanOrEqual(10);
    expect(panels.filter((k) => !new RegExp(`\\bd\\.${k}\\b`).test(render))).toEqual([]);
    // The page's filter menus read d.options; the rest of NOT_PANELS is what the page is about.
    expect(render).toMatch(/\bd\.options\b/);
  });

  it('every limit in LIMITS is a panel of the API (or the filter menus, options)', async () => {
    const d = await loadDashboard(empty('duckdb').w, parseFilters({ period: '7d' }, ctx.now), ctx);
    expect(Object.keys(LIMITS).filter((k) => !(k in d))).toEqual([]);
  });

  it('every statement the panels send is declared in sql.ts, in both dialects', async () => {
    const declared = Object.values(SQL).flatMap((v): DialectSql[] =>
      typeof v === 'function' ? [] : 'duckdb' in v ? [v as DialectSql] : (Object.values(v) as DialectSql[]),
    );
    for (const kind of ['duckdb', 'bigquery'] as const) {
      const { w, sent } = empty(kind);
      await loadDashboard(w, parseFilters({ period: '7d' }, ctx.now), ctx);
      await loadDashboard(w, parseFilters({ period: '24h', topic: 'databases', entity: 'DuckDB', source: 'hackernews', lang: 'en', q: 'sql' }, ctx.now), ctx);
      const known = new Set(declared.map((s) => s[kind]));
      expect(sent.length).toBeGreaterThan(10);
      expect(sent.filter((s) => !known.has(s))).toEqual([]);
      for (const s of declared) expect(s.duckdb.trim() && s.bigquery.trim()).toBeTruthy();
    }
  });
});
