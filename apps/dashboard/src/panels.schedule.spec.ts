import type { DialectSql, Params, QueryOptions, Warehouse } from '@social-pulse/warehouse';
import { describe, expect, it } from 'vitest';
import { parseFilters } from './filters.ts';
import { loadDashboard } from './panels.ts';
import { QUALITY } from './panels/quality/index.ts';
import { RANKED_FROM_ROLLUPS } from './panels/ranked/sql.ts';
import { STORIES_FROM_ROLLUPS } from './panels/stories/index.ts';
import * as SQL from './sql.ts';

/**
 * Where a page's statements wait for a reader connection (QueryOptions.priority): the statements
 * that end a chain (issued after their panel awaited another) first, the gates of those chains
 * next, every other statement of the first wave last. Through a warehouse that records each
 * statement's priority and answers the probes that let the chains go on.
 */
describe('the order in which a page queues its statements', () => {
  it('puts the ends of chains first and their gates before the rest of the first wave', async () => {
    const sent: { text: string; priority: number | undefined }[] = [];
    const probes = [SQL.QUALITY_TABLE, SQL.STORIES_TABLE, SQL.ROLLUPS_READY].map((s) => s.duckdb);
    const w = {
      kind: 'duckdb',
      uri: 'duckdb::memory:',
      async query(sql: DialectSql | string, _params: Params = {}, opts: QueryOptions = {}) {
        const text = typeof sql === 'string' ? sql : sql.duckdb;
        sent.push({ text, priority: opts.priority });
        return probes.includes(text) ? [{ n: 1 }] : [];
      },
    } as unknown as Warehouse;
    const now = new Date('2026-11-24T12:00:00Z');
    await loadDashboard(w, parseFilters({ period: '30d' }, now), { scheduleSeconds: 3600, configuredSources: [], now });

    const priorityOf = (s: DialectSql) => sent.filter((x) => x.text === s.duckdb).map((x) => x.priority);
    // The gates: each awaited before its panel's next statement.
    for (const gate of [SQL.RANK_BOUNDS, SQL.QUALITY_TABLE, SQL.STORIES_TABLE]) expect(priorityOf(gate)).toEqual([1]);
    // What follows them.
    for (const end of [RANKED_FROM_ROLLUPS.trending, QUALITY, STORIES_FROM_ROLLUPS]) expect(priorityOf(end)).toEqual([2]);
    // Everything else: the first wave, in call order (and the two probes before the panels start).
    const rest = sent.filter((x) => ![SQL.RANK_BOUNDS, SQL.QUALITY_TABLE, SQL.STORIES_TABLE, RANKED_FROM_ROLLUPS.trending, QUALITY, STORIES_FROM_ROLLUPS].some((s) => s.duckdb === x.text));
    expect(rest.length).toBeGreaterThanOrEqual(10);
    expect(new Set(rest.map((x) => x.priority))).toEqual(new Set([0]));
  });
});
