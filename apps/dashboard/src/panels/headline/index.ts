import type { DialectSql } from '@social-pulse/warehouse';
import { B_FROM_TWO, B_MATCH, B_TWO_PERIODS, both, D_FROM_TWO, D_MATCH, D_TWO_PERIODS, ENG, postsOnly } from '../../sql.ts';
import { definePanel } from '../define.ts';
import { num } from '../values.ts';

export interface Headline {
  posts: number;
  authors: number;
  sources: number;
  engagement: number;
}

/** Posts, distinct authors, sources and engagement, for the period and the one before it. */
export const HEADLINE: DialectSql = {
  duckdb: `
SELECT p.created_at >= CAST($start AS TIMESTAMPTZ) AS is_current,
       count(*) AS posts,
       count(DISTINCT p.source || ':' || p.author_id) AS authors,
       count(DISTINCT p.source) AS sources,
       COALESCE(sum(${ENG}), 0) AS engagement
${D_FROM_TWO}
WHERE ${D_TWO_PERIODS} AND ${D_MATCH}
GROUP BY 1`,
  bigquery: `
SELECT p.created_at >= TIMESTAMP(@start) AS is_current,
       COUNT(*) AS posts,
       COUNT(DISTINCT CONCAT(p.source, ':', p.author_id)) AS authors,
       COUNT(DISTINCT p.source) AS sources,
       COALESCE(SUM(${ENG}), 0) AS engagement
${B_FROM_TWO}
WHERE ${B_TWO_PERIODS} AND ${B_MATCH}
GROUP BY 1`,
};

/** HEADLINE from the rollups (see sql.ts, Rollups): the same rows; authors counted by author_key (AUTHOR_KEY). */
export const HEADLINE_FROM_ROLLUPS: DialectSql = {
  duckdb: `
WITH d AS (${both('rollup_daily', 'duckdb')}),
a AS (${both('rollup_authors_daily', 'duckdb')}),
h AS (SELECT is_current, sum(posts) AS posts, count(DISTINCT source) AS sources, sum(engagement) AS engagement FROM d GROUP BY 1),
u AS (SELECT is_current, count(*) AS authors FROM (SELECT DISTINCT is_current, author_key FROM a) GROUP BY 1)
SELECT h.is_current, h.posts, COALESCE(u.authors, 0) AS authors, h.sources, h.engagement
FROM h LEFT JOIN u ON u.is_current = h.is_current`,
  bigquery: `
WITH d AS (${both('rollup_daily', 'bigquery')}),
a AS (${both('rollup_authors_daily', 'bigquery')}),
h AS (SELECT is_current, SUM(posts) AS posts, COUNT(DISTINCT source) AS sources, SUM(engagement) AS engagement FROM d GROUP BY 1),
u AS (SELECT is_current, COUNT(*) AS authors FROM (SELECT DISTINCT is_current, author_key FROM a) GROUP BY 1)
SELECT h.is_current, h.posts, IFNULL(u.authors, 0) AS authors, h.sources, h.engagement
FROM h LEFT JOIN u ON u.is_current = h.is_current`,
};

const emptyHeadline = (): Headline => ({ posts: 0, authors: 0, sources: 0, engagement: 0 });

/** The period's figures against the previous period's. */
export const headline = definePanel({
  name: 'headline',
  sql: {
    raw: HEADLINE,
    postsOnly: postsOnly(HEADLINE),
    rollups: HEADLINE_FROM_ROLLUPS,
  },
  map(rows): { current: Headline; previous: Headline } {
    const out = { current: emptyHeadline(), previous: emptyHeadline() };
    for (const r of rows) {
      const h: Headline = { posts: num(r.posts), authors: num(r.authors), sources: num(r.sources), engagement: num(r.engagement) };
      if (r.is_current === true) out.current = h;
      else out.previous = h;
    }
    return out;
  },
});
