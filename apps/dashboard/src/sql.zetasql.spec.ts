import type { DialectSql, Params, Warehouse } from '@social-pulse/warehouse';
import { bigQueryParamTypes, startZetaSql, type BqParamType, type ZetaSql } from '@social-pulse/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilters } from './filters.ts';
import { loadDashboard } from './panels.ts';
import { STATEMENTS as statements } from './panels/index.ts';
import { volume } from './panels/volume/index.ts';
import * as SQL from './sql.ts';

/**
 * Every BigQuery statement of the dashboard (each panel of PANELS in each of its variants, and
 * the shared ones), analysed by ZetaSQL against a catalog built from libs/schema, with the
 * parameter types the BigQuery client gives the values the panels bind. Behaviour is tested elsewhere (DuckDB,
 * the fake BigQuery); this catches a misspelt column, a function BigQuery lacks or a type
 * error before a deployment does.
 */

/** A BigQuery warehouse that records what the panels ask (and answers "the checks table exists" and "the rollups are built", so that every panel runs). */
function recorder(): { w: Warehouse; sent: { sql: string; params: Params }[] } {
  const sent: { sql: string; params: Params }[] = [];
  const w = {
    kind: 'bigquery',
    uri: 'bigquery://pulse-test/zeta',
    async query(sql: DialectSql | string, params: Params = {}) {
      const text = typeof sql === 'string' ? sql : sql.bigquery;
      sent.push({ sql: text, params });
      return text === SQL.QUALITY_TABLE.bigquery || text === SQL.STORIES_TABLE.bigquery || text === SQL.ROLLUPS_READY.bigquery ? [{ n: 1 }] : [];
    },
  } as unknown as Warehouse;
  return { w, sent };
}

let zeta: ZetaSql;
beforeAll(async () => {
  zeta = await startZetaSql({ project: 'pulse-test', dataset: 'zeta' });
}, 60_000);
afterAll(() => zeta?.close());

describe('the dashboard SQL under ZetaSQL', () => {
  it('every panel and variant resolves against the schema with the parameters the panels bind', async () => {
    const { w, sent } = recorder();
    const ctx = { scheduleSeconds: 3600, configuredSources: ['hackernews'], now: new Date('2026-11-24T12:00:00Z') };
    // Without a topic or entity filter (the posts-only variants), and with both (the labelled ones).
    await loadDashboard(w, parseFilters({ period: '7d' }, ctx.now), ctx);
    await loadDashboard(w, parseFilters({ period: '24h', topic: 'databases', entity: 'DuckDB', source: 'hackernews', lang: 'en', q: 'sql' }, ctx.now), ctx);
    const types: Record<string, BqParamType> = {};
    for (const s of sent) Object.assign(types, bigQueryParamTypes(s.params));

    // What the panels sent is what PANELS and sql.ts declare: analysing the declarations covers both.
    const declared = new Set(statements.map(([, s]) => s.bigquery));
    expect(sent.filter((s) => !declared.has(s.sql)).map((s) => s.sql)).toEqual([]);
    expect(statements.length).toBeGreaterThanOrEqual(20);

    const problems: string[] = [];
    for (const [name, s] of statements) {
      const named = new Set([...s.bigquery.replaceAll(/'(?:[^'\\]|\\.)*'/g, "''").matchAll(/@([A-Za-z_]\w*)/g)].map((m) => m[1]!));
      const params = Object.fromEntries(Object.entries(types).filter(([k]) => named.has(k)));
      await zeta.analyze(s.bigquery, params).catch((e: Error) => problems.push(`${name}: ${e.message.split('\n')[0]}`));
    }
    expect(problems).toEqual([]);
  });

  it('rejects a panel with a misspelt column or a mistyped parameter', async () => {
    const typo = volume.sql.raw.bigquery.replace('p.source AS name', 'p.sorce AS name');
    await expect(zeta.analyze(typo, bigQueryParamTypes({ start: 'x', end: 'y', bucket: 3600, source: '', lang: '', topic: '', entity: '', q: '' }))).rejects.toThrow(/sorce/);
    await expect(zeta.analyze(volume.sql.raw.bigquery, bigQueryParamTypes({ start: 'x', end: 'y', bucket: 'hour', source: '', lang: '', topic: '', entity: '', q: '' }))).rejects.toThrow(/No matching signature for function DIV/);
  });
});
