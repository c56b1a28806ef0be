/**
 * The rows of a query over a table that a warehouse made by an older version may not have yet
 * (`events`, `dq_checks`): a reader opens the warehouse read-only and creates nothing (the next
 * load adds the table), so DuckDB's "does not exist" or BigQuery's "Not found: Table" for that
 * table reads as no rows. Any other failure is thrown as it came.
 */
export async function rowsOrNone<T>(table: string, rows: Promise<T[]>): Promise<T[]> {
  return rows.catch((e: unknown) => {
    const missing = new RegExp(`${table}.*(does not exist|not found)|not found: table [^ ]*${table}`, 'i');
    if (missing.test((e as Error).message)) return [];
    throw e;
  });
}
