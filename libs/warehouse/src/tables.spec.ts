import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bigQuerySchema, duckdbHasPrimaryKey, duckdbType, ROLLUP_TABLES, TABLES, WAREHOUSE_TABLES, type TableSchema } from '@social-pulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from './bigquery/warehouse.ts';
import { DuckDBWarehouse } from './duckdb/warehouse.ts';
import { emulatorClientOptions, startFakeBigQuery, type FakeBigQuery } from './testing/index.ts';
import { VIEWS } from './views.ts';

/** The checklist of CONTRIBUTING.md, "Adding a warehouse table". */
const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('Adding a warehouse table: the checklist', () => {
  it('WAREHOUSE_TABLES is TABLES (rollups included) and pulse_state, each well formed', () => {
    expect(WAREHOUSE_TABLES.map((t) => t.name)).toEqual([...TABLES.map((t) => t.name), 'pulse_state']);
    for (const r of ROLLUP_TABLES) expect(TABLES).toContain(r);
    expect(new Set(WAREHOUSE_TABLES.map((t) => t.name)).size).toBe(WAREHOUSE_TABLES.length);
    for (const t of WAREHOUSE_TABLES) {
      const cols = new Map(t.fields.map((f) => [f.name, f]));
      expect(cols.size, `${t.name}: a column declared twice`).toBe(t.fields.length);
      expect(t.primaryKey.length, `${t.name}: no primary key`).toBeGreaterThan(0);
      for (const k of [...t.primaryKey, ...(t.clusterBy ?? [])]) expect(cols.has(k), `${t.name}.${k} is not declared`).toBe(true);
      for (const k of t.primaryKey) expect(cols.get(k)!.required, `${t.name}.${k}: a key column must be required`).toBe(true);
      if (t.partitionBy) expect(cols.get(t.partitionBy)?.type, `${t.name}: partitioned on a timestamp`).toBe('timestamp');
    }
  });

  it('a new DuckDB warehouse has every table with exactly its declared columns, types and NOT NULLs (and its key, but the rollups), and the views', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    try {
      await w.ensureSchema();
      const cols = await w.query<{ table_name: string; column_name: string; data_type: string; is_nullable: boolean }>(
        'SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index',
      );
      const keys = await w.query<{ table_name: string; n: number }>(
        "SELECT table_name, count(*) AS n FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' GROUP BY table_name",
      );
      // DuckDB spells TIMESTAMPTZ out and quotes struct fields only where it must.
      const norm = (type: string) => type.replaceAll('TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE').replaceAll('"', '');
      for (const t of WAREHOUSE_TABLES) {
        const have = cols.filter((c) => c.table_name === t.name).map((c) => [c.column_name, norm(c.data_type), c.is_nullable]);
        expect(have, t.name).toEqual(t.fields.map((f) => [f.name, norm(duckdbType(f.type)), !f.required]));
        expect(keys.some((k) => k.table_name === t.name), `${t.name}: primary key`).toBe(duckdbHasPrimaryKey(t));
      }
      for (const v of VIEWS) expect(cols.some((c) => c.table_name === v.name), v.name).toBe(true);
    } finally {
      await w.close();
    }
  });

  describe('a new BigQuery dataset (the fake BigQuery)', () => {
    let fake: FakeBigQuery;
    beforeAll(async () => {
      fake = await startFakeBigQuery({ project: 'pulse-test', readObject: () => undefined });
    });
    afterAll(() => fake.close());

    it('has every table with exactly the schema libs/schema derives, partitioning and clustering', async () => {
      const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'tables', client: emulatorClientOptions(fake.url) });
      await w.ensureSchema();
      for (const t of WAREHOUSE_TABLES as readonly TableSchema[]) {
        const r = fake.tables.get(`tables.${t.name}`);
        expect(r?.schema?.fields, t.name).toEqual(bigQuerySchema(t));
        expect(r?.timePartitioning, t.name).toEqual(t.partitionBy ? { type: 'DAY', field: t.partitionBy } : undefined);
        expect(r?.clustering, t.name).toEqual(t.clusterBy?.length ? { fields: [...t.clusterBy] } : undefined);
      }
    });
  });

  it('every file that CONTRIBUTING.md names for it exists', () => {
    const guide = readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
    const section = guide.slice(guide.indexOf('## Adding a warehouse table')).split(/\n## /)[0]!;
    const files = [...section.matchAll(/`((?:libs|apps|infra|tools)\/[\w./-]+\.ts)`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(existsSync(path.join(ROOT, f)), f).toBe(true);
  });
});
