import { columnNames, type TableSchema } from '@social-pulse/schema';

/** A GoogleSQL identifier or path in backticks (`a`, `project.dataset.table`). */
export function bqIdent(name: string): string {
  if (name.includes('`') || name.includes('\\')) throw new Error(`not a BigQuery identifier: ${name}`);
  return `\`${name}\``;
}

/**
 * The MERGE of a staging table into its target: the newest state of each key in the stage
 * (by `versionCol`) inserts a new row, or replaces an existing one that is older. The
 * column lists are explicit so that the statement says exactly what it writes.
 */
export function mergeFromStage(table: TableSchema, target: string, stage: string, versionCol: string): string {
  const cols = columnNames(table);
  const keys = table.primaryKey;
  const v = bqIdent(versionCol);
  return `MERGE INTO ${bqIdent(target)} AS t
USING (
  SELECT * FROM ${bqIdent(stage)} WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY ${keys.map(bqIdent).join(', ')} ORDER BY ${v} DESC) = 1
) AS s
ON ${keys.map((k) => `t.${bqIdent(k)} = s.${bqIdent(k)}`).join(' AND ')}
WHEN MATCHED AND s.${v} > t.${v} THEN
  UPDATE SET ${cols.filter((c) => !keys.includes(c)).map((c) => `${bqIdent(c)} = s.${bqIdent(c)}`).join(', ')}
WHEN NOT MATCHED THEN
  INSERT (${cols.map(bqIdent).join(', ')})
  VALUES (${cols.map((c) => `s.${bqIdent(c)}`).join(', ')})`;
}

/**
 * Insert-or-replace of a few rows given as named parameters (`@r0_run_id`, …): one DML
 * statement for the batch, since BigQuery queues concurrent DML on a table and streaming
 * inserts would leave rows that DML cannot touch for a while.
 */
export function upsertRowsSql(table: TableSchema, target: string, rowCount: number): string {
  const cols = columnNames(table);
  const keys = table.primaryKey;
  const rows = Array.from({ length: rowCount }, (_, i) => `SELECT ${cols.map((c) => `@r${i}_${c} AS ${bqIdent(c)}`).join(', ')}`);
  return `MERGE INTO ${bqIdent(target)} AS t
USING (
  ${rows.join('\n  UNION ALL ')}
) AS s
ON ${keys.map((k) => `t.${bqIdent(k)} = s.${bqIdent(k)}`).join(' AND ')}
WHEN MATCHED THEN
  UPDATE SET ${cols.filter((c) => !keys.includes(c)).map((c) => `${bqIdent(c)} = s.${bqIdent(c)}`).join(', ')}
WHEN NOT MATCHED THEN
  INSERT (${cols.map(bqIdent).join(', ')})
  VALUES (${cols.map((c) => `s.${bqIdent(c)}`).join(', ')})`;
}
