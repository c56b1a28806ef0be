import { describe, expect, it } from 'vitest';
import * as SQL from './sql.ts';
import type { DialectSql } from '@social-pulse/warehouse';

const statements = Object.entries(SQL).flatMap(([name, v]): [string, DialectSql][] =>
  typeof v === 'function' ? [] : 'duckdb' in v ? [[name, v as DialectSql]] : Object.entries(v).map(([k, s]) => [`${name}.${k}`, s as DialectSql]),
);
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
    for (const [name, s] of Object.entries(SQL.POSTS_ONLY)) {
      expect(s.duckdb, name).not.toMatch(/posts_enriched|p\.topics|p\.entities|\$topic|\$entity/);
      expect(s.bigquery, name).not.toMatch(/posts_enriched|p\.topics|p\.entities|@topic|@entity/);
    }
    expect(() => SQL.postsOnly(SQL.SENTIMENT)).toThrow(/needs NLP labels/);
  });
});
