import { columnNames, type TableSchema } from '@social-pulse/schema';
import { bqIdent, bqTimestampLiteral } from '../dialect.ts';
import { daysWhere, monthsOf, monthsWhere, spanKeysWhere, spanOverlaps, UTC_DAY, withinDays, type RollupDef } from '../rollups.ts';

export { bqIdent };

/** The target partitions a MERGE may touch: `[from, to)` on the table's partition column, whole UTC days. */
export interface PartitionBounds {
  column: string;
  /** ISO instants, midnight UTC. */
  from: string;
  to: string;
}


/**
 * The MERGE of a staging table into its target: the newest state of each key in the stage
 * (by `versionCol`) inserts a new row, or replaces an existing one that is older. The
 * column lists are explicit so that the statement says exactly what it writes.
 *
 * With `bounds`, the ON clause also names the target partitions the stage's rows fall in,
 * as constants: BigQuery then reads only those days of the target instead of all of it (a
 * MERGE bills every column of every partition it scans). This is right only because the
 * partition column of a row never changes between loads (see README, BigQuery cost): a
 * row whose day moved would not be found, and would be inserted a second time.
 */
export function mergeFromStage(table: TableSchema, target: string, stage: string, versionCol: string, bounds?: PartitionBounds): string {
  const cols = columnNames(table);
  const keys = table.primaryKey;
  const v = bqIdent(versionCol);
  const on = keys.map((k) => `t.${bqIdent(k)} = s.${bqIdent(k)}`);
  if (bounds) {
    const c = bqIdent(bounds.column);
    on.push(`t.${c} >= ${bqTimestampLiteral(bounds.from)} AND t.${c} < ${bqTimestampLiteral(bounds.to)}`);
  }
  return `MERGE INTO ${bqIdent(target)} AS t
USING (
  SELECT * FROM ${bqIdent(stage)} WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY ${keys.map(bqIdent).join(', ')} ORDER BY ${v} DESC) = 1
) AS s
ON ${on.join(' AND ')}
WHEN MATCHED AND s.${v} > t.${v} THEN
  UPDATE SET ${cols.filter((c) => !keys.includes(c)).map((c) => `${bqIdent(c)} = s.${bqIdent(c)}`).join(', ')}
WHEN NOT MATCHED THEN
  INSERT (${cols.map(bqIdent).join(', ')})
  VALUES (${cols.map((c) => `s.${bqIdent(c)}`).join(', ')})`;
}

/** A MERGE's match on the key columns, target `t` and source `s`. */
const onKeys = (keys: readonly string[]) => keys.map((k) => `t.${bqIdent(k)} = s.${bqIdent(k)}`).join(' AND ');

/** A MERGE's upsert: a matched row takes every non-key column of `s`, an unmatched one is inserted whole. */
function upsertClauses(cols: readonly string[], keys: readonly string[]): string {
  return `WHEN MATCHED THEN
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
ON ${onKeys(keys)}
${upsertClauses(cols, keys)}`;
}

/**
 * Recomputes a rollup's rows for the UTC days listed (every day without `days`), as one
 * MERGE: rows of those days are updated, inserted, or deleted where nothing computes them
 * any more; rows of other days are left alone. The days are constants, so BigQuery reads
 * only their partitions of posts, post_nlp and the rollup.
 */
export function rollupMerge(r: RollupDef, target: string, days?: string[]): string {
  const cols = columnNames(r.table);
  const keys = r.table.primaryKey;
  // A span table: the keys those days may have changed, from all their daily rows; a key that
  // left every day (its old span overlaps them, nothing computes it now) is deleted.
  if (r.spansOf) {
    return `MERGE INTO ${bqIdent(target)} AS t
USING (${r.bigquery(days ? spanKeysWhere(r, days, bqTimestampLiteral, bqIdent(target)) : 'TRUE', 'TRUE')}
) AS s
ON ${onKeys(keys)}
${upsertClauses(cols, keys)}
WHEN NOT MATCHED BY SOURCE${days ? ` AND ${spanOverlaps(days, bqTimestampLiteral, 't')}` : ''} THEN
  DELETE`;
  }
  // A monthly tier: the whole months of those days, from the daily rollup (merged just before).
  const months = days && r.monthlyOf ? monthsOf(days) : undefined;
  const lits = (months ?? days)?.map(bqTimestampLiteral).join(', ');
  const pw = months ? monthsWhere(months, bqTimestampLiteral, 'bigquery') : days ? daysWhere(days, 'p', bqTimestampLiteral, UTC_DAY.bigquery('p.created_at')) : 'TRUE';
  const nw = days && !months ? daysWhere(days, 'n', bqTimestampLiteral, UTC_DAY.bigquery('p.created_at')) : 'TRUE';
  // An hourly tier's rows of those days: their hours (`day` holds the hour).
  const onDays = !days ? '' : r.hourlyOf ? ` AND ${withinDays(days, 't.`day`', bqTimestampLiteral, UTC_DAY.bigquery('t.`day`'))}` : ` AND t.\`day\` IN (${lits})`;
  return `MERGE INTO ${bqIdent(target)} AS t
USING (${r.bigquery(pw, nw)}
) AS s
ON ${onKeys(keys)}${onDays}
${upsertClauses(cols, keys)}
WHEN NOT MATCHED BY SOURCE${onDays} THEN
  DELETE`;
}
