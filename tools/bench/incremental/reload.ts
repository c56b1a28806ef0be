/**
 * The baseline of the warehouse-load benchmark: drop and reload `posts` from every Parquet file
 * of the lake in one `CREATE TABLE AS` (what a non-incremental pipeline does on every run, and
 * the floor of what DuckDB needs to read the lake).
 *
 *   npx tsx tools/bench/incremental/reload.ts LAKE_DIR WAREHOUSE_FILE
 */
import path from 'node:path';
import { openDuckDB, queryRows, sqlStringList } from '@social-pulse/runtime';
import { columnNames, posts, quoteIdent } from '@social-pulse/schema';

const [lake, file] = process.argv.slice(2);
if (!lake || !file) throw new Error('usage: reload.ts LAKE_DIR WAREHOUSE_FILE');
const { db, conn } = await openDuckDB(file);
await conn.run('DROP TABLE IF EXISTS posts_reload');
await conn.run(
  `CREATE TABLE posts_reload AS SELECT ${columnNames(posts).map(quoteIdent).join(', ')}
   FROM read_parquet(${sqlStringList([path.join(lake, 'posts/**/*.parquet')])}, hive_partitioning = false, union_by_name = true)`,
);
const [r] = await queryRows<{ n: bigint }>(conn, 'SELECT count(*) AS n FROM posts_reload');
await conn.run('DROP TABLE posts_reload');
conn.closeSync();
db.closeSync();
process.stdout.write(`${Number(r!.n)}\n`);
