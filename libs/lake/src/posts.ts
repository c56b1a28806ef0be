import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, queryRows, sqlStringList } from '@social-pulse/runtime';
import { columnNames, duckdbColumnsLiteral, LAKE, PARQUET, posts as postsTable, postsPartition, quoteIdent, type Post } from '@social-pulse/schema';
import type { LakeStore } from './store/store.ts';

export interface MergeResult {
  /** Posts given (after normalization). */
  rowsIn: number;
  /** Distinct posts written in the touched partitions. */
  rowsOut: number;
  /** Of those, posts that were not in the lake before. */
  newPosts: number;
  partitions: number;
  filesWritten: string[];
  filesDeleted: number;
}

const COLS = columnNames(postsTable).map(quoteIdent).join(', ');

/** Partition (source, UTC day) of a post. */
const partitionOf = (p: Pick<Post, 'source' | 'created_at'>) => postsPartition(p.source, p.created_at.slice(0, 10));

/**
 * Merges posts into `posts/source=…/dt=…/` with DuckDB. Every touched partition is rewritten
 * as one zstd Parquet file holding its existing rows and the new ones, deduplicated on
 * post_id: the most recently collected state wins (fresh metrics), and `queries` is the
 * union of every state's. This also compacts small files. New files are written under new
 * names before old ones are deleted, so a crash in between leaves duplicates that readers
 * and the next merge resolve, never a loss.
 */
export async function mergePosts(store: LakeStore, rows: Post[], runId: string): Promise<MergeResult> {
  const result: MergeResult = { rowsIn: rows.length, rowsOut: 0, newPosts: 0, partitions: 0, filesWritten: [], filesDeleted: 0 };
  if (!rows.length) return result;
  const partitions = [...new Set(rows.map(partitionOf))].sort();
  const existing = (await Promise.all(partitions.map((p) => store.list(`${p}/`)))).flat().filter((f) => f.key.endsWith('.parquet'));
  const generations = new Map(existing.map((f) => [f.key, f.generation]));
  const work = await mkdtemp(path.join(os.tmpdir(), 'pulse-merge-'));
  const { db, conn } = await openDuckDB(':memory:');
  try {
    const staged = path.join(work, 'staged.ndjson');
    await writeFile(staged, rows.map((r) => JSON.stringify(r)).join('\n'));
    await conn.run(
      `CREATE TEMP TABLE incoming AS SELECT ${COLS}, 1 AS _new FROM read_json(${sqlStringList([staged])}, format = 'newline_delimited', columns = ${duckdbColumnsLiteral(postsTable)})`,
    );
    const localExisting = await Promise.all(existing.map((f) => store.localPath(f.key)));
    const existingSql = localExisting.length
      ? `SELECT ${COLS}, 0 AS _new FROM read_parquet(${sqlStringList(localExisting)}, hive_partitioning = false, union_by_name = true) UNION ALL BY NAME `
      : '';
    await conn.run(`
      CREATE TEMP TABLE merged AS
      WITH all_rows AS (${existingSql}SELECT * FROM incoming),
      ranked AS (
        SELECT *,
          list_sort(list_distinct(flatten(list(queries) OVER (PARTITION BY post_id)))) AS _queries,
          max(1 - _new) OVER (PARTITION BY post_id) AS _existed,
          row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, _new DESC) AS _rn
        FROM all_rows
      )
      SELECT * EXCLUDE (queries, _queries, _rn, _new), _queries AS queries FROM ranked WHERE _rn = 1`);
    const [counts] = await queryRows<{ n: bigint; fresh: bigint }>(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE _existed = 0) AS fresh FROM merged`);
    result.rowsOut = Number(counts!.n);
    result.newPosts = Number(counts!.fresh);
    const outDir = path.join(work, 'out');
    await conn.run(`
      COPY (SELECT ${COLS}, strftime(created_at, '%Y-%m-%d') AS dt FROM merged ORDER BY source, dt, created_at, post_id)
      TO ${sqlStringList([outDir]).slice(1, -1)}
      (FORMAT parquet, COMPRESSION ${PARQUET.compression}, ROW_GROUP_SIZE ${PARQUET.rowGroupSize},
       PARTITION_BY (source, dt), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-${runId}-{i}')`);
    for (const p of partitions) {
      const local = path.join(outDir, p.slice(LAKE.posts.length + 1));
      for (const name of (await readdir(local)).sort()) {
        const key = `${p}/${name}`;
        // A name this merge reuses (a second batch of the same run) replaces exactly the file
        // it read; any other name is created once. Another writer makes the upload fail.
        const before = generations.get(key);
        await store.upload(key, path.join(local, name), before ? { ifGeneration: before } : { ifAbsent: true });
        result.filesWritten.push(key);
      }
    }
    result.partitions = partitions.length;
    // Only now that every new file is in place may the files they replace go.
    const written = new Set(result.filesWritten);
    for (const f of existing) {
      if (!written.has(f.key)) {
        await store.delete(f.key);
        result.filesDeleted += 1;
      }
    }
    return result;
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}

/** Posts files whose name sorts after `after` (the warehouse loader's watermark). */
export async function postsFilesAfter(store: LakeStore, after: string | undefined) {
  const files = (await store.list(`${LAKE.posts}/`)).filter((f) => f.key.endsWith('.parquet'));
  const name = (k: string) => k.slice(k.lastIndexOf('/') + 1);
  return files.filter((f) => !after || name(f.key) > after).sort((a, b) => (name(a.key) < name(b.key) ? -1 : 1));
}
