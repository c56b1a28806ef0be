/**
 * The baseline of the lake-write benchmark: what a first version would do. The same raw
 * pages, decoded and normalized by the same code, then each post inserted on its own (a
 * prepared `INSERT` per row) into a DuckDB table, deduplicated on post_id (newest state wins)
 * and written out as the same partitioned zstd Parquet. (An `INSERT … ON CONFLICT DO UPDATE`
 * per row against a primary key was tried first: about 90 rows/s here, too slow to measure.)
 *
 *   npx tsx tools/bench/lake-write/naive.ts LAKE_DIR OUT_DIR
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openDuckDB, sqlString } from '@social-pulse/runtime';
import { columnNames, duckdbCreateTable, PARQUET, posts as postsTable, quoteIdent } from '@social-pulse/schema';
import { decodeRawPage, normalizeRawPage } from '@social-pulse/sources';

const [lake, out] = process.argv.slice(2);
if (!lake || !out) throw new Error('usage: naive.ts LAKE_DIR OUT_DIR');

const cols = columnNames(postsTable);
const lists = new Set(['hashtags', 'mentions', 'links', 'queries']);
const placeholders = cols.map((c, i) => (lists.has(c) ? `from_json($${i + 1}, '["VARCHAR"]')` : `$${i + 1}`));
const sql = `INSERT INTO posts (${cols.map(quoteIdent).join(', ')}) VALUES (${placeholders.join(', ')})`;

const { db, conn } = await openDuckDB(':memory:');
await conn.run(duckdbCreateTable(postsTable).replace(/,\s*PRIMARY KEY[^)]*\)/, ''));
const stmt = await conn.prepare(sql);
let rows = 0;
const rawFiles = (await readdir(path.join(lake, 'raw'), { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
  .map((e) => path.join(e.parentPath, e.name))
  .sort();
for (const f of rawFiles) {
  const n = normalizeRawPage(decodeRawPage(gunzipSync(await readFile(f)).toString('utf8')));
  for (const p of n.posts) {
    const row = p as unknown as Record<string, unknown>;
    stmt.bind(cols.map((c) => (lists.has(c) ? JSON.stringify(row[c]) : ((row[c] ?? null) as string | number | null))));
    await stmt.run();
    rows += 1;
  }
}
await conn.run(
  `COPY (SELECT *, strftime(created_at, '%Y-%m-%d') AS dt FROM posts QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC) = 1 ORDER BY source, dt, created_at, post_id) TO ${sqlString(out)}
   (FORMAT parquet, COMPRESSION ${PARQUET.compression}, ROW_GROUP_SIZE ${PARQUET.rowGroupSize}, PARTITION_BY (source, dt), WRITE_PARTITION_COLUMNS true)`,
);
conn.closeSync();
db.closeSync();
process.stdout.write(`${rows}\n`);
