import { openDuckDB, PulseError, queryRows, sqlStringList, type DuckDBConnection } from '@social-pulse/runtime';
import { postMetrics, postNlp, posts, type Field, type TableSchema } from '@social-pulse/schema';
import type { LakeStore } from './store/store.ts';

/** The Parquet zones of the lake and the table each holds; posts/ files also carry their `dt`. */
const ZONES = {
  posts: { table: posts, extra: ['dt'] },
  nlp: { table: postNlp, extra: [] as string[] },
  metrics: { table: postMetrics, extra: [] as string[] },
} satisfies Record<string, { table: TableSchema; extra: string[] }>;

export type ParquetZone = keyof typeof ZONES;

/**
 * A file in a Parquet zone of the lake that the lake's readers cannot use (another program's
 * file, another table's). Named with what is wrong; exit code 2, since reading it again fails
 * the same way. The readers read every Parquet file of a zone, so the fix is to move it out.
 */
export class LakeFileError extends PulseError {
  override readonly name = 'LakeFileError';
  constructor(
    readonly file: string,
    zone: ParquetZone,
    problem: string,
  ) {
    super(`lake file ${file} is not a ${zone}/ file of social-pulse: ${problem}. Move it out of the lake's ${zone}/ folder (every Parquet file there is read) and run again`, 2);
  }
}

const list = (names: string[]) => (names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', '));

/**
 * Checks the columns of Parquet files (read from their footers only) against their zone's
 * table: a column the table does not have, or a required one missing, names the file. A missing
 * optional column is allowed (union_by_name reads it as null).
 */
export async function checkColumns(conn: DuckDBConnection, files: readonly { url: string; path: string }[], zone: ParquetZone): Promise<void> {
  if (!files.length) return;
  const { table, extra } = ZONES[zone];
  const known = new Set([...table.fields.map((f) => f.name), ...extra]);
  const required = (table.fields as readonly Field[]).filter((f) => f.required).map((f) => f.name);
  let rows: { file_name: string; columns: string[] }[];
  try {
    // The first component of a column chunk's path is its top-level column.
    rows = await queryRows(
      conn,
      `SELECT file_name, list(DISTINCT split_part(path_in_schema, ', ', 1)) AS columns
       FROM parquet_metadata(${sqlStringList(files.map((f) => f.path))}) WHERE row_group_id = 0 GROUP BY file_name`,
    );
  } catch (e) {
    // Not Parquet at all: find which file, one at a time (this path is rare).
    for (const f of files) {
      try {
        await queryRows(conn, `SELECT 1 FROM parquet_metadata(${sqlStringList([f.path])}) LIMIT 1`);
      } catch (inner) {
        throw new LakeFileError(f.url, zone, `it cannot be read as Parquet (${(inner as Error).message.split('\n')[0]})`);
      }
    }
    throw e;
  }
  const byPath = new Map(rows.map((r) => [r.file_name, r.columns]));
  for (const f of files) {
    const columns = byPath.get(f.path) ?? [];
    const foreign = columns.filter((c) => !known.has(c)).sort();
    const missing = required.filter((c) => !columns.includes(c));
    if (foreign.length || missing.length) {
      const problems = [...(foreign.length ? [`columns ${list(foreign)} are not ${table.name} columns`] : []), ...(missing.length ? [`required columns ${list(missing)} are missing`] : [])];
      throw new LakeFileError(f.url, zone, problems.join('; '));
    }
  }
}

/** {@link checkColumns} for lake objects (a bucket's are read from their local copies). */
export async function checkLakeFiles(store: LakeStore, keys: readonly string[], zone: ParquetZone): Promise<void> {
  if (!keys.length) return;
  const files = await Promise.all(keys.map(async (k) => ({ url: store.url(k), path: await store.localPath(k) })));
  const { db, conn } = await openDuckDB(':memory:');
  try {
    await checkColumns(conn, files, zone);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

