import { describe, expect, it } from 'vitest';
import { PANELS, STATEMENTS as statements } from './panels/index.ts';
import { links } from './panels/links/index.ts';
import { sentiment } from './panels/sentiment/index.ts';
import { rollupParams } from './panels.ts';
import { postsOnly } from './sql.ts';

const params = (text: string, sigil: string) => [...new Set([...text.matchAll(new RegExp(`\\${sigil}([A-Za-z_]\\w*)`, 'g'))].map((m) => m[1]))].sort();
// Drop string literals first: '$.card_title' is a JSON path, not a parameter.
const code = (text: string) => text.replaceAll(/'(?:[^']|'')*'/g, "''");

describe('the panel SQL, side by side', () => {
  it('has both dialects for every statement, each with its own parameter syntax and the same parameters', () => {
    expect(statements.length).toBeGreaterThanOrEqual(20);
    for (const [name, s] of statements) {
      const d = code(s.duckdb);
      const b = code(s.bigquery);
      expect(params(d, '@'), `${name}: @ in DuckDB text`).toEqual([]);
      expect(params(b, '$'), `${name}: $ in BigQuery text`).toEqual([]);
      expect(params(b, '@'), name).toEqual(params(d, '$'));
    }
  });

  it('reads labels only where a panel needs them', () => {
    // Every posts-only variant, and links' two-step query (posts-only too: it runs where the rollups do).
    const postsOnlyVariants = PANELS.flatMap((p) => (p.sql?.postsOnly ? [[p.name, p.sql.postsOnly] as const] : []));
    expect(postsOnlyVariants.map(([name]) => name)).toEqual(expect.arrayContaining(['headline', 'volume', 'trending', 'topPosts', 'authors', 'hashtags', 'links']));
    for (const [name, s] of [...postsOnlyVariants, ['links.rollups', links.sql.rollups] as const]) {
      expect(s.duckdb, name).not.toMatch(/posts_enriched|p\.topics|p\.entities|\$topic|\$entity/);
      expect(s.bigquery, name).not.toMatch(/posts_enriched|p\.topics|p\.entities|@topic|@entity/);
    }
    expect(() => postsOnly(sentiment.sql.raw)).toThrow(/needs NLP labels/);
  });
});

describe('rollupParams', () => {
  const at = (iso: string) => new Date(iso);
  it('bounds the whole hours of the partial edge days that the hourly tiers answer', () => {
    const p = rollupParams({ previousStart: at('2026-09-24T15:30:00Z'), start: at('2026-10-24T15:30:00Z'), end: at('2026-11-23T15:30:00Z') });
    expect(p).toMatchObject({
      cLo: '2026-10-25T00:00:00.000Z', cHi: '2026-11-23T00:00:00.000Z',
      // [start, 16:00) from posts, [16:00, midnight) from the hours.
      ch1Lo: '2026-10-24T16:00:00.000Z', ch1Hi: '2026-10-25T00:00:00.000Z',
      // The previous period's two edges: [prevStart, midnight) and [midnight, start).
      ph1Lo: '2026-09-24T16:00:00.000Z', ph1Hi: '2026-09-25T00:00:00.000Z',
      ph2Lo: '2026-10-24T00:00:00.000Z', ph2Hi: '2026-10-24T15:00:00.000Z',
    });
    // The current period's trailing edge [cHi, end) is read from posts (see Period in sql.ts).
    expect(p).not.toHaveProperty('ch2Lo');
  });
  it('gives an edge without a whole hour an empty range of hours', () => {
    // The start 20 minutes before midnight: posts alone; the previous period ends there too.
    const p = rollupParams({ previousStart: at('2026-11-15T23:40:00Z'), start: at('2026-11-18T23:40:00Z'), end: at('2026-11-21T23:40:00Z') });
    expect([p.ch1Lo, p.ch1Hi]).toEqual(['2026-11-19T00:00:00.000Z', '2026-11-19T00:00:00.000Z']);
    expect([p.ph2Lo, p.ph2Hi]).toEqual(['2026-11-18T00:00:00.000Z', '2026-11-18T23:00:00.000Z']);
    // A period within one day: no whole day, its hours between two slivers.
    const short = rollupParams({ previousStart: at('2026-11-21T10:00:00Z'), start: at('2026-11-22T02:30:00Z'), end: at('2026-11-22T20:45:00Z') });
    expect(short).toMatchObject({ cLo: '2026-11-22T20:45:00.000Z', cHi: '2026-11-22T20:45:00.000Z', ch1Lo: '2026-11-22T03:00:00.000Z', ch1Hi: '2026-11-22T20:00:00.000Z' });
  });
});
