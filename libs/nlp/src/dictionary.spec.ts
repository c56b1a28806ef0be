import { describe, expect, it } from 'vitest';
import { buildDictionary } from './dictionary-match.ts';
import { DATA_DICTIONARY } from './dictionary.ts';

const names = (text: string, dict = buildDictionary()) => dict.match(text).map((s) => `${s.text}:${s.type}`);

describe('data dictionary', () => {
  it('has unique names and only tweet-ner7 product or corporation types', () => {
    const seen = new Set<string>();
    for (const e of DATA_DICTIONARY) {
      expect(seen.has(e.name.toLowerCase()), e.name).toBe(false);
      seen.add(e.name.toLowerCase());
      expect(['product', 'corporation']).toContain(e.type);
    }
    expect(DATA_DICTIONARY.length).toBeGreaterThan(100);
  });

  it('matches names and aliases case-insensitively, reporting the canonical name', () => {
    expect(names('Rewrote the PYSPARK job, loaded postgresql and DuckDB, then dbt run')).toEqual([
      'Spark:product',
      'PostgreSQL:product',
      'DuckDB:product',
      'dbt:product',
    ]);
    expect(names('powerbi vs Power-BI vs power bi')).toEqual(['Power BI:product', 'Power BI:product', 'Power BI:product']);
    expect(names('#kafka, #Snowflake! (Databricks)')).toEqual(['Kafka:product', 'Snowflake:corporation', 'Databricks:corporation']);
  });

  it('matches on word boundaries only, and prefers the longest name', () => {
    expect(names('sparkling water, kafkaesque, redshifted')).toEqual([]);
    expect(names('Looker Studio beats Looker')).toEqual(['Looker Studio:product', 'Looker:product']);
    expect(names('Oracle DB on Oracle cloud')).toEqual(['Oracle Database:product', 'Oracle:corporation']);
  });

  it('matches everyday words only as written, and not in their excepted phrases', () => {
    expect(names('an arrow, a hive of bees, some fabric')).toEqual([]);
    expect(names('Arrow and Hive and Microsoft Fabric')).toEqual(['Arrow:product', 'Hive:product', 'Fabric:product']);
    expect(names('star vs snowflake schema; our Snowflake bill')).toEqual(['Snowflake:corporation']);
    expect(names('the tip of the iceberg, unlike Apache Iceberg')).toEqual(['Iceberg:product']);
  });

  it('takes user entries, which may replace built-in ones or drop the built-in list', () => {
    const dict = buildDictionary([
      { name: 'SQLMesh', type: 'corporation', aliases: ['sql mesh'] },
      { name: 'Pulse', type: 'product', aliases: [], caseSensitive: true },
    ]);
    expect(names('sql mesh and Pulse, not pulse; Kafka', dict)).toEqual(['SQLMesh:corporation', 'Pulse:product', 'Kafka:product']);
    const only = buildDictionary([{ name: 'Pulse', type: 'product' }], { builtin: false });
    expect(names('Pulse on Kafka', only)).toEqual(['Pulse:product']);
    expect(dict.entryFor('PostgreSQL')?.name).toBe('PostgreSQL');
    expect(dict.entryFor('post gres')?.name).toBe('PostgreSQL');
  });

  it('reports character spans', () => {
    const [m] = buildDictionary().match('We like  Apache Kafka.');
    expect(m).toMatchObject({ text: 'Kafka', start: 9, end: 21, score: 1 });
  });
});
