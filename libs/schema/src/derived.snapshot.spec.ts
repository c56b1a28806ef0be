import { describe, expect, it } from 'vitest';
import { bigQuerySchema, duckdbColumnsLiteral, duckdbCreateTable } from './derive.ts';
import { TABLES } from './tables.ts';

// What each declaration derives, kept as a file per table: a change to how tables are declared
// (a column constructor, a table builder) must leave the DuckDB DDL, the typed-read column list
// and the BigQuery schema exactly as they were. A new table adds a file (`vitest -u` writes it).
describe('derived schema, per table', () => {
  it.each(TABLES.map((t) => [t.name, t] as const))('%s: DuckDB DDL, columns literal, BigQuery schema and the declaration itself', async (name, table) => {
    const derived = [
      duckdbCreateTable(table),
      duckdbColumnsLiteral(table),
      JSON.stringify(bigQuerySchema(table), null, 2),
      JSON.stringify(table, null, 2),
    ].join('\n\n');
    await expect(derived).toMatchFileSnapshot(`./__snapshots__/derived/${name}.txt`);
  });
});
