import type { DialectSql } from '@social-pulse/warehouse';
import { B_PERIOD, CUR, D_PERIOD, rollupRows } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { entities } from '../entities/index.ts';
import { topics } from '../topics/index.ts';
import { str } from '../values.ts';

/** What the filter menus offer (drawn by the filter bar, not a section of its own). */
export interface FilterOptions {
  sources: string[];
  languages: string[];
  topics: string[];
  entities: string[];
}

/**
 * Values for the source and language menus: what occurs in the period, most frequent first.
 * (The topic and entity menus offer what the topics and entities panels found: reading every
 * label of the period once more would cost a scan of post_nlp for a menu.)
 */
export const OPTIONS: DialectSql = {
  duckdb: `
WITH v AS (
  SELECT 'source' AS kind, p.source AS value FROM posts AS p WHERE ${D_PERIOD}
  UNION ALL SELECT 'lang', p.lang FROM posts AS p WHERE ${D_PERIOD} AND p.lang IS NOT NULL)
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, value) <= $limit
ORDER BY kind, count(*) DESC, value`,
  bigquery: `
WITH v AS (
  SELECT 'source' AS kind, p.source AS value FROM posts AS p WHERE ${B_PERIOD}
  UNION ALL SELECT 'lang', p.lang FROM posts AS p WHERE ${B_PERIOD} AND p.lang IS NOT NULL)
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY ROW_NUMBER() OVER (PARTITION BY kind ORDER BY COUNT(*) DESC, value) <= @limit
ORDER BY kind, COUNT(*) DESC, value`,
};

/** OPTIONS from the rollups (see sql.ts, Rollups): the same rows. */
export const OPTIONS_FROM_ROLLUPS: DialectSql = {
  duckdb: `
WITH r AS (${rollupRows('rollup_daily', 'duckdb', CUR, false)}),
v AS (SELECT 'source' AS kind, source AS value, posts FROM r UNION ALL SELECT 'lang', lang, posts FROM r WHERE lang <> '')
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY row_number() OVER (PARTITION BY kind ORDER BY sum(posts) DESC, value) <= $limit
ORDER BY kind, sum(posts) DESC, value`,
  bigquery: `
WITH r AS (${rollupRows('rollup_daily', 'bigquery', CUR, false)}),
v AS (SELECT 'source' AS kind, source AS value, posts FROM r UNION ALL SELECT 'lang', lang, posts FROM r WHERE lang <> '')
SELECT kind, value FROM v GROUP BY kind, value
QUALIFY ROW_NUMBER() OVER (PARTITION BY kind ORDER BY SUM(posts) DESC, value) <= @limit
ORDER BY kind, SUM(posts) DESC, value`,
};

export const options = definePanel({
  name: 'options',
  limit: 50,
  sql: { raw: OPTIONS, rollups: OPTIONS_FROM_ROLLUPS },
  async load(c): Promise<FilterOptions> {
    const rows = await c.query();
    const out: FilterOptions = {
      sources: [],
      languages: [],
      topics: (await c.value(topics)).series.map((x) => x.name),
      entities: [...new Set((await c.value(entities)).map((e) => e.text))],
    };
    for (const r of rows) {
      const key = ({ source: 'sources', lang: 'languages' } as const)[str(r.kind) as 'source'];
      if (key) out[key].push(str(r.value));
    }
    return out;
  },
});
