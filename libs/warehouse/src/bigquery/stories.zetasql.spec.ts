import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_SQL } from '../stories.ts';
import { startZetaSql, type ZetaSql } from '../testing/index.ts';

/**
 * The BigQuery text of the stories statements, analysed by ZetaSQL against the catalog built
 * from libs/schema, with the parameter types BigQueryWarehouse.query sends (strings).
 */
let zeta: ZetaSql;
beforeAll(async () => {
  zeta = await startZetaSql({ project: 'pulse-test', dataset: 'zeta' });
}, 60_000);
afterAll(async () => {
  await zeta?.close();
});

const STRING = { type: 'STRING' };
const PARAMS: Record<keyof typeof STORIES_SQL, string[]> = {
  refresh: ['from', 'to', 'since', 'now'],
  assign: ['from', 'to', 'now'],
  keys: ['since'],
  stories: ['since', 'now'],
};

describe('stories SQL under ZetaSQL (BigQuery dialect)', () => {
  for (const [name, sql] of Object.entries(STORIES_SQL) as [keyof typeof STORIES_SQL, { bigquery: string }][]) {
    it(`${name} resolves against the schema`, async () => {
      await expect(zeta.analyze(sql.bigquery, Object.fromEntries(PARAMS[name].map((p) => [p, STRING])))).resolves.toBeUndefined();
    });
  }

  it('the analyser would catch a wrong column in them', async () => {
    await expect(zeta.analyze(STORIES_SQL.keys.bigquery.replace('sp.keys', 'sp.kyes'), { since: STRING })).rejects.toThrow(/kyes/);
  });
});
