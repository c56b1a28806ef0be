import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DialectSql, Params, Warehouse } from '@social-pulse/warehouse';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CLIENT_BUILD } from './assets.ts';
import { parseFilters } from './filters.ts';
import { LIMITS, loadDashboard } from './panels.ts';
import { PANELS, STATEMENTS } from './panels/index.ts';
import * as SQL from './sql.ts';

/**
 * The checklist of CONTRIBUTING.md "Adding a dashboard panel": a panel is one folder and one
 * entry of PANELS, and every place derived from that list has it: the API's answer (under its
 * name, in PANELS' order), its timing, LIMITS and the $limit its statements bind, the
 * statements the SQL specs check (every statement sent is one of STATEMENTS, in both dialects),
 * and the page's sections (panels/sections.ts, in PANELS' order), bundled without any panel's
 * definition or anything node-only.
 */

/** A warehouse that answers every statement with no rows (the tables it probes exist, the rollups are built where `rolled`), recording what was sent. */
function empty(kind: 'duckdb' | 'bigquery', rolled = false): { w: Warehouse; sent: string[] } {
  const sent: string[] = [];
  const probes = [SQL.QUALITY_TABLE, SQL.STORIES_TABLE, ...(rolled ? [SQL.ROLLUPS_READY] : [])].map((s) => s[kind]);
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

/** Keys of the API's answer that are not panels: what the page is about, and the timings. */
const NOT_PANELS = ['generatedAt', 'warehouse', 'filters', 'sources', 'window', 'timings'];

/** The page's sections (browser code: loaded at run time, outside this file's type check). */
async function sections(): Promise<readonly ({ name: string; grid?: string } | null)[]> {
  const file = './panels/sections.ts';
  return ((await import(file)) as { SECTIONS: readonly ({ name: string; grid?: string } | null)[] }).SECTIONS;
}

const ctx = { scheduleSeconds: 3600, configuredSources: ['hackernews'], now: new Date('2026-11-24T12:00:00Z') };
const names = PANELS.map((p) => p.name);

describe('Adding a dashboard panel: the checklist', () => {
  it('lists each panel once, under a name of its own', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(new Set(names).size).toBe(names.length);
  });

  it('answers every panel of PANELS in the API, under its name and in its order, and nothing else', async () => {
    const d = await loadDashboard(empty('duckdb').w, parseFilters({ period: '7d' }, ctx.now), ctx);
    expect(Object.keys(d).filter((k) => !NOT_PANELS.includes(k))).toEqual(names);
    for (const p of PANELS) expect(d[p.name], p.name).toBeDefined();
  });

  it("reports each panel's time under its name", async () => {
    for (const rolled of [false, true]) {
      const d = await loadDashboard(empty('bigquery', rolled).w, parseFilters({ period: '30d' }, ctx.now), ctx);
      expect(names.filter((n) => !(n in d.timings)), `rolled: ${rolled}`).toEqual([]);
    }
  });

  it('has in LIMITS exactly the panels with a limit, and each binds it in every variant of its statement', () => {
    expect(Object.keys(LIMITS)).toEqual(PANELS.filter((p) => p.limit !== undefined).map((p) => p.name));
    for (const p of PANELS) {
      if (p.limit !== undefined) expect(LIMITS[p.name as keyof typeof LIMITS], p.name).toBe(p.limit);
      for (const [variant, s] of Object.entries(p.sql ?? {})) {
        expect(/\$limit\b/.test(s.duckdb) && /@limit\b/.test(s.bigquery), `${p.name}.${variant}`).toBe(p.limit !== undefined);
      }
    }
  });

  it('declares every statement the panels send in STATEMENTS (what the SQL specs check), in both dialects', async () => {
    for (const kind of ['duckdb', 'bigquery'] as const) {
      const known = new Set(STATEMENTS.map(([, s]) => s[kind]));
      for (const rolled of [false, true]) {
        const { w, sent } = empty(kind, rolled);
        await loadDashboard(w, parseFilters({ period: '7d' }, ctx.now), ctx);
        await loadDashboard(w, parseFilters({ period: '24h', topic: 'databases', entity: 'DuckDB', source: 'hackernews', lang: 'en', q: 'sql' }, ctx.now), ctx);
        expect(sent.length).toBeGreaterThan(10);
        expect(sent.filter((s) => !known.has(s))).toEqual([]);
      }
    }
    for (const [name, s] of STATEMENTS) expect(s.duckdb.trim() && s.bigquery.trim(), name).toBeTruthy();
    // Every panel's statements are among them, each variant under its name.
    for (const p of PANELS) for (const variant of Object.keys(p.sql ?? {})) expect(STATEMENTS.map(([n]) => n)).toContain(`${p.name}.${variant}`);
  });

  it("draws every panel's section in PANELS' order; options alone has none (the filter bar's menus draw it)", async () => {
    expect((await sections()).map((s) => s?.name ?? null)).toEqual(names.map((n) => (n === 'options' ? null : n)));
    expect(readFileSync(new URL('./client/render.ts', import.meta.url), 'utf8')).toMatch(/\bd\.options\b/);
  });

  it("bundles for the browser each panel's section and none of their definitions, nothing node-only", async () => {
    const { metafile } = await build({ ...CLIENT_BUILD, metafile: true });
    const inputs = Object.keys(metafile.inputs).map((p) => path.resolve(process.cwd(), p));
    const src = path.dirname(new URL(import.meta.url).pathname);
    const rel = inputs.filter((p) => p.startsWith(src + path.sep)).map((p) => path.relative(src, p));
    const folders = [...new Set(rel.filter((p) => /^panels\/[^/]+\/render\.ts$/.test(p)).map((p) => p.split('/')[1]))];
    expect(folders.length).toBeGreaterThanOrEqual(12);
    expect(rel.filter((p) => /^panels\/.*index\.ts$/.test(p) || p === 'sql.ts' || p === 'panels.ts')).toEqual([]);
    expect(inputs.filter((p) => /libs\/(warehouse|runtime)\/|node_modules\/(@duckdb|@google-cloud|pino)\//.test(p))).toEqual([]);
  });
});
