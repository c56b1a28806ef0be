import { describe, expect, it } from 'vitest';
import { PANELS, STATEMENTS as statements } from './panels/index.ts';
import { links } from './panels/links/index.ts';
import { sentiment } from './panels/sentiment/index.ts';
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
