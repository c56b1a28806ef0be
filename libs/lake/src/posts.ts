import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, queryRows, sqlString, sqlStringList, type DuckDBConnection } from '@social-pulse/runtime';
import { columnNames, duckdbColumnsLiteral, LAKE, PARQUET, posts as postsTable, quoteIdent, type Post } from '@social-pulse/schema';
import { writeNdjson } from './ndjson.ts';
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

/** Options of a {@link PostsMerge}. */
export interface PostsMergeOptions {
  /** DuckDB's memory limit for staging and merging (default 2GB); past it DuckDB spills to disk. */
  memoryLimit?: string;
  /**
   * Where staged Parquet and spill files go: a folder this merge owns, emptied at open (what a
   * killed run left there goes) and removed at close. Default: a new folder under the OS temp
   * folder.
   */
  workDir?: string;
}

/**
 * Merges posts into `posts/source=…/dt=…/` with DuckDB, in two phases so that the cost is
 * linear in the posts given, however many batches they come in and however many partitions
 * they touch:
 *
 * 1. {@link stage} writes each batch as Hive-partitioned Parquet into a local work folder
 *    (nothing in the lake changes);
 * 2. {@link commit} then rewrites every touched partition once, as one zstd Parquet file
 *    holding its existing rows and the staged ones, deduplicated on post_id: the most
 *    recently collected state wins (fresh metrics), and `queries` is the union of every
 *    state's. This also compacts small files.
 *
 * (Merging batch by batch rewrote every partition a backfill touches once per batch:
 * quadratic in the backlog; see docs/BENCHMARKS.md.) In a partition, new files are written
 * under new names before the old ones are deleted, so a crash in between leaves duplicates
 * that readers and the next merge resolve, never a loss.
 */
export class PostsMerge {
  private batches = 0;
  private stagedRows = 0;

  private constructor(
    private readonly store: LakeStore,
    private readonly runId: string,
    private readonly work: string,
    private readonly duck: Awaited<ReturnType<typeof openDuckDB>>,
  ) {}

  private get conn(): DuckDBConnection {
    return this.duck.conn;
  }

  static async open(store: LakeStore, runId: string, opts: PostsMergeOptions = {}): Promise<PostsMerge> {
    if (opts.workDir) await rm(opts.workDir, { recursive: true, force: true });
    const work = opts.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'pulse-merge-')));
    await mkdir(path.join(work, 'staged'), { recursive: true });
    const duck = await openDuckDB(':memory:', { memoryLimit: opts.memoryLimit ?? '2GB' });
    await duck.conn.run(`SET temp_directory = ${sqlString(path.join(work, 'spill'))}`);
    // Keeping insertion order costs memory for nothing here: every write sorts explicitly.
    await duck.conn.run(`SET preserve_insertion_order = false`);
    return new PostsMerge(store, runId, work, duck);
  }

  /** Posts staged so far. */
  get staged(): number {
    return this.stagedRows;
  }

  /** Stages a batch of posts on local disk, partitioned as in the lake. */
  async stage(rows: readonly Post[]): Promise<void> {
    if (!rows.length) return;
    const n = this.batches++;
    const ndjson = path.join(this.work, `batch-${n}.ndjson`);
    await writeNdjson(ndjson, rows);
    await this.conn.run(`
      COPY (SELECT ${COLS}, strftime(created_at, '%Y-%m-%d') AS dt
            FROM read_json(${sqlString(ndjson)}, format = 'newline_delimited', columns = ${duckdbColumnsLiteral(postsTable)}))
      TO ${sqlString(path.join(this.work, 'staged'))}
      (FORMAT parquet, COMPRESSION ${PARQUET.compression}, PARTITION_BY (source, dt), WRITE_PARTITION_COLUMNS true,
       FILENAME_PATTERN 'batch-${n}-{i}', OVERWRITE_OR_IGNORE true)`);
    await rm(ndjson, { force: true });
    this.stagedRows += rows.length;
  }

  /**
   * Rewrites every partition that staged posts fall in, once, and uploads the result.
   * `onPartition` is called after each partition is in place, with the number to do.
   */
  async commit(onPartition?: (partition: string, total: number) => void): Promise<MergeResult> {
    const result: MergeResult = { rowsIn: this.stagedRows, rowsOut: 0, newPosts: 0, partitions: 0, filesWritten: [], filesDeleted: 0 };
    const partitions = await this.stagedPartitions();
    for (const partition of partitions) {
      await this.mergePartition(partition, result);
      result.partitions += 1;
      onPartition?.(partition, partitions.length);
    }
    return result;
  }

  async close(): Promise<void> {
    this.duck.conn.closeSync();
    this.duck.db.closeSync();
    await rm(this.work, { recursive: true, force: true });
  }

  /** Lake partition prefixes (`posts/source=…/dt=…`) with staged rows, sorted. */
  private async stagedPartitions(): Promise<string[]> {
    const staged = path.join(this.work, 'staged');
    const out: string[] = [];
    for (const source of (await readdir(staged)).sort()) {
      for (const dt of (await readdir(path.join(staged, source))).sort()) out.push(`${LAKE.posts}/${source}/${dt}`);
    }
    return out;
  }

  private async mergePartition(partition: string, result: MergeResult): Promise<void> {
    const { store, conn } = this;
    const existing = (await store.list(`${partition}/`)).filter((f) => f.key.endsWith('.parquet'));
    const generations = new Map(existing.map((f) => [f.key, f.generation]));
    const stagedGlob = path.join(this.work, 'staged', partition.slice(LAKE.posts.length + 1), '*.parquet');
    const localExisting = await Promise.all(existing.map((f) => store.localPath(f.key)));
    const existingSql = localExisting.length
      ? `SELECT ${COLS}, 0 AS _new FROM read_parquet(${sqlStringList(localExisting)}, hive_partitioning = false, union_by_name = true) UNION ALL BY NAME `
      : '';
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE merged AS
      WITH all_rows AS (${existingSql}SELECT ${COLS}, 1 AS _new FROM read_parquet(${sqlString(stagedGlob)}, hive_partitioning = false)),
      ranked AS (
        SELECT *,
          list_sort(list_distinct(flatten(list(queries) OVER (PARTITION BY post_id)))) AS _queries,
          max(1 - _new) OVER (PARTITION BY post_id) AS _existed,
          row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, _new DESC) AS _rn
        FROM all_rows
      )
      SELECT * EXCLUDE (queries, _queries, _rn, _new), _queries AS queries FROM ranked WHERE _rn = 1`);
    const [counts] = await queryRows<{ n: bigint; fresh: bigint }>(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE _existed = 0) AS fresh FROM merged`);
    result.rowsOut += Number(counts!.n);
    result.newPosts += Number(counts!.fresh);
    const key = `${partition}/part-${this.runId}-0.parquet`;
    const local = path.join(this.work, 'out.parquet');
    await conn.run(`
      COPY (SELECT ${COLS}, strftime(created_at, '%Y-%m-%d') AS dt FROM merged ORDER BY created_at, post_id)
      TO ${sqlString(local)} (FORMAT parquet, COMPRESSION ${PARQUET.compression}, ROW_GROUP_SIZE ${PARQUET.rowGroupSize})`);
    await conn.run(`DROP TABLE merged`);
    // A name this merge reuses (a retry of the same run) replaces exactly the file it read;
    // any other name is created once. Another writer makes the upload fail.
    const before = generations.get(key);
    await store.upload(key, local, before ? { ifGeneration: before } : { ifAbsent: true });
    result.filesWritten.push(key);
    // Only now that the new file is in place may the files it replaces go.
    for (const f of existing) {
      if (f.key !== key) {
        await store.delete(f.key);
        result.filesDeleted += 1;
      }
    }
  }
}

/** Merges one set of posts into the lake: {@link PostsMerge} with a single batch. */
export async function mergePosts(store: LakeStore, rows: Post[], runId: string, opts?: PostsMergeOptions): Promise<MergeResult> {
  const merge = await PostsMerge.open(store, runId, opts);
  try {
    await merge.stage(rows);
    return await merge.commit();
  } finally {
    await merge.close();
  }
}

/** Posts files whose name sorts after `after` (the warehouse loader's watermark). */
export async function postsFilesAfter(store: LakeStore, after: string | undefined) {
  const files = (await store.list(`${LAKE.posts}/`)).filter((f) => f.key.endsWith('.parquet'));
  const name = (k: string) => k.slice(k.lastIndexOf('/') + 1);
  return files.filter((f) => !after || name(f.key) > after).sort((a, b) => (name(a.key) < name(b.key) ? -1 : 1));
}
