import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@social-pulse/schema';
import { upsertRowsSql } from '../bigquery/sql.ts';
import { bigQueryParamTypes, startZetaSql, type ZetaSql } from '../testing/index.ts';
import type { DialectSql, Params } from '../types.ts';
import { ALERT_FAILED_SQL, ALERT_SENT_SQL, PENDING_SQL, RECENT_EVENTS_SQL } from './alerts.ts';
import { CHANGED_SQL, CLOSE_SQL, COUNT_SQL, NEARBY_EVENTS_SQL, recountSql, spikesSql, TO_CLOSE_SQL } from './sql.ts';

/**
 * The event detector's BigQuery text under ZetaSQL (GoogleSQL's reference analyzer), with
 * the parameter types the BigQuery client infers from the values detect.ts passes: a
 * misspelt column, a wrong function or a type error fails here, not in the cloud.
 */
let zeta: ZetaSql;
beforeAll(async () => {
  zeta = await startZetaSql({ project: 'pulse-test', dataset: 'zeta' });
}, 60_000);
afterAll(async () => {
  await zeta?.close();
});

const from = '2026-11-01T00:00:00.000Z';
const to = '2026-11-02T00:00:00.000Z';
const analyze = (sql: DialectSql | string, params: Params) => zeta.analyze(typeof sql === 'string' ? sql : sql.bigquery, bigQueryParamTypes(params));

describe('event detector SQL under ZetaSQL', () => {
  it('the counts of each kind, the recount MERGE, the spikes, the change window, the nearby events and the close resolve against the schema', async () => {
    for (const kind of ['hashtag', 'entity', 'topic'] as const) await analyze(COUNT_SQL[kind], { from, to });
    const recount = recountSql(['hashtag', 'entity', 'topic'], from, to);
    expect(recount.bigquery).toMatch(/WHEN NOT MATCHED BY SOURCE AND t.`hour` >= TIMESTAMP\('2026-11-01T00:00:00.000Z'\)/);
    await analyze(recount.bigquery, { from, to });
    await analyze(spikesSql(['hashtag', 'entity', 'topic']), { judgeFrom: from, to, minCount: 5, threshold: 5, minRatio: 2 });
    await analyze(CHANGED_SQL, { since: from });
    await analyze(NEARBY_EVENTS_SQL, { from });
    await analyze(CLOSE_SQL, { now: to, closeBefore: from });
    await analyze(TO_CLOSE_SQL, { closeBefore: from });
    await analyze(RECENT_EVENTS_SQL, { since: from, kind: null, openOnly: false, limit: 50 });
    await analyze(RECENT_EVENTS_SQL, { since: from, kind: 'hashtag', openOnly: true, limit: 50 });
  });

  it('the alert bookkeeping resolves', async () => {
    await analyze(PENDING_SQL, { max: 3 });
    await analyze(ALERT_SENT_SQL, { at: to, id: 'e' });
    await analyze(ALERT_FAILED_SQL, { error: 'boom', id: 'e' });
  });

  it('the MERGE that records events (BigQueryWarehouse.recordEvents) resolves with the typed parameters it sends', async () => {
    const types = { string: 'STRING', int64: 'INT64', float64: 'FLOAT64', timestamp: 'TIMESTAMP', bool: 'BOOL' } as const;
    const params = Object.fromEntries([0, 1].flatMap((i) => events.fields.map((f) => [`r${i}_${f.name}`, { type: types[f.type as keyof typeof types] }])));
    await zeta.analyze(upsertRowsSql(events, 'pulse-test.zeta.events', 2), params);
  });

  it('the story counts resolve against the stories tables (story_posts)', async () => {
    await analyze(COUNT_SQL.story, { from, to });
  });

  it('a wrong column in the spikes query would be caught', async () => {
    await expect(analyze(spikesSql(['hashtag']).bigquery.replace('h.n, 0', 'h.count, 0'), { judgeFrom: from, to, minCount: 5, threshold: 5, minRatio: 2 })).rejects.toThrow(/ZetaSQL/);
  });
});
