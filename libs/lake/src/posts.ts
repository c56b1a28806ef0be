import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, queryRows, sqlString, sqlStringList, type DuckDBConnection } from '@social-pulse/runtime';
import { columnNames, duckdbColumnsLiteral, LAKE, PARQUET, posts as postsTable, quoteIdent, type Post } from '@social-pulse/schema';
import { checkColumns } from './columns.ts';
import { NdjsonWriter } from './ndjson.ts';
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
  /**
   * Posts found in more than one day partition (their `created_at` changed between states,
   * or two copies disagree): each is kept once, in the partition of its newest state, and
   * the other copies are removed.
   */
  movedPosts: number;
  /** A few of those post_ids, for the report. */
  movedExamples: string[];
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
  /**
   * How many partitions {@link PostsMerge.commit} rewrites at once, each on a DuckDB connection
   * of its own (default: one per core, at most 4). A partition is small (a day of one source),
   * so one statement keeps a core busy only part of the time.
   */
  lanes?: number;
  /**
   * Merge every partition with the general statement, even one new to the lake (for tests that
   * compare the two ways, and for diagnosis). By default a partition that has no file in the
   * lake and no post found in another partition is written by one `COPY` (see
   * {@link PostsMerge.commit}).
   */
  mergeEveryPartition?: boolean;
  /**
   * DuckDB threads while a batch is staged and while partitions are rewritten in lanes (default
   * 1; the scans over every staged post in between use every core). Staging runs beside the
   * normalizing threads (one per core), and a lane's statement is small: more DuckDB threads
   * there buy little time for much CPU (see docs/BENCHMARKS.md, sixth pass).
   */
  stageThreads?: number;
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
 *
 * A post is stored once in the whole lake, not once per partition: when its `created_at`
 * moves to another day, the copy in the old day's partition goes (see {@link findMoved}).
 */
export class PostsMerge {
  private batches = 0;
  private copies = 0;
  private stagedRows = 0;

  private constructor(
    private readonly store: LakeStore,
    private readonly runId: string,
    private readonly work: string,
    private readonly duck: Awaited<ReturnType<typeof openDuckDB>>,
    private readonly opts: PostsMergeOptions,
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
    await PostsMerge.configure(duck.conn);
    const merge = new PostsMerge(store, runId, work, duck, opts);
    await merge.setThreads(merge.narrow);
    return merge;
  }

  private static async configure(conn: DuckDBConnection): Promise<void> {
    // Keeping insertion order costs memory for nothing here: every write sorts explicitly.
    await conn.run(`SET preserve_insertion_order = false`);
  }

  /** DuckDB threads while staging and in lanes: see {@link PostsMergeOptions.stageThreads}. */
  private get narrow(): number {
    return Math.max(1, this.opts.stageThreads ?? 1);
  }

  /** Sets the threads of this merge's DuckDB database (a setting of the database, not of one connection). */
  private async setThreads(n: number): Promise<void> {
    await this.conn.run(`SET threads = ${Math.max(1, Math.floor(n))}`);
  }

  /** Posts staged so far (by the batches whose staging has finished). */
  get staged(): number {
    return this.stagedRows;
  }

  /** Stages a batch of posts on local disk, partitioned as in the lake. */
  async stage(rows: readonly Post[]): Promise<void> {
    if (!rows.length) return;
    const batch = this.batch();
    try {
      await batch.writeRows(rows);
    } catch (e) {
      await batch.close().catch(() => undefined);
      throw e;
    }
    await this.stageBatch(batch, rows.length);
  }

  /**
   * A new batch to fill with posts already serialized (one `JSON.stringify(post)` per line, as
   * `jsonLines` (./ndjson.ts) makes them, possibly in another thread), then to hand to
   * {@link stageBatch}. What is written goes through the secret mask like every row.
   */
  batch(): NdjsonWriter {
    return new NdjsonWriter(path.join(this.work, `batch-${this.batches++}.ndjson`));
  }

  /**
   * Stages a batch from {@link batch} holding `rows` posts. Batches are staged one at a time
   * and in order; the caller may fill the next batch meanwhile (DuckDB works in its own
   * threads). {@link commit} waits for every batch given.
   */
  stageBatch(batch: NdjsonWriter, rows: number): Promise<void> {
    const staged = this.staging.then(async () => {
      if (this.failure) {
        await batch.close();
        throw this.failure;
      }
      await this.copyBatch(batch, rows);
    });
    // The chain goes on past a failure (and keeps it for commit), so it never rejects itself.
    this.staging = staged.then(
      () => undefined,
      (e: unknown) => {
        this.failure ??= e;
      },
    );
    return staged;
  }

  /** The batches given to {@link stageBatch}, one after the other; never rejects. */
  private staging: Promise<void> = Promise.resolve();
  /** The first error of a staged batch: nothing is committed after one. */
  private failure: unknown;

  private async copyBatch(batch: NdjsonWriter, rows: number): Promise<void> {
    await batch.close();
    try {
      if (!rows) return;
      const n = this.copies++;
      await this.conn.run(`
        COPY (SELECT ${COLS}, strftime(created_at, '%Y-%m-%d') AS dt
              FROM read_json(${sqlString(batch.file)}, format = 'newline_delimited', columns = ${duckdbColumnsLiteral(postsTable)}))
        TO ${sqlString(path.join(this.work, 'staged'))}
        (FORMAT parquet, COMPRESSION ${PARQUET.compression}, PARTITION_BY (source, dt), WRITE_PARTITION_COLUMNS true,
         FILENAME_PATTERN 'batch-${n}-{i}', OVERWRITE_OR_IGNORE true)`);
      this.stagedRows += rows;
    } finally {
      await rm(batch.file, { force: true });
    }
  }

  /**
   * Rewrites every partition that staged posts fall in, once, and uploads the result.
   * `onPartition` is called after each partition is in place, with the number to do.
   */
  async commit(onPartition?: (partition: string, total: number) => void): Promise<MergeResult> {
    await this.staging;
    if (this.failure) throw this.failure;
    const result: MergeResult = { rowsIn: this.stagedRows, rowsOut: 0, newPosts: 0, partitions: 0, filesWritten: [], filesDeleted: 0, movedPosts: 0, movedExamples: [] };
    const staged = await this.stagedPartitions();
    // The scans over every staged post (and the lake's post_ids) use every core; the lanes one each.
    await this.setThreads(os.availableParallelism());
    const losing = await this.findMoved(staged, result);
    const duplicated = await this.duplicatedPartitions(staged);
    const total = staged.length + losing.length;
    // Cores left over by the lanes (more than 4 cores) go to their statements.
    await this.setThreads(Math.max(this.narrow, Math.floor(os.availableParallelism() / this.laneCount(total))));
    const written: (string | undefined)[] = [];
    let reported = 0;
    const done: boolean[] = [];
    // Partitions are rewritten several at once, but reported (and listed) in order.
    const run = async (list: readonly string[], offset: number) => {
      await this.inLanes(list, async (partition, i, conn, lane) => {
        written[offset + i] = await this.mergePartition(partition, result, conn, lane, duplicated.has(partition));
        done[offset + i] = true;
        for (; done[reported]; reported++) {
          result.partitions += 1;
          onPartition?.(reported < staged.length ? staged[reported]! : losing[reported - staged.length]!, total);
        }
      });
    };
    // The partitions that only lose posts come last, once every other one is in place: a crash
    // before them leaves a copy too many (which the next merge removes), not one too few.
    await run(staged, 0);
    await run(losing, staged.length);
    result.filesWritten = written.filter((k): k is string => k !== undefined);
    return result;
  }

  /**
   * Calls `fn` for each item of `list` (with its index), several at once: each lane has a
   * connection of its own to the same database and takes the next item when it is done. The
   * first failure stops the lanes from taking more, and is thrown once the others finish.
   */
  private async inLanes(list: readonly string[], fn: (item: string, i: number, conn: DuckDBConnection, lane: number) => Promise<void>): Promise<void> {
    const lanes = this.laneCount(list.length);
    while (this.extra.length < lanes - 1) {
      const conn = await this.duck.db.connect();
      await conn.run(`SET TimeZone = 'UTC'`);
      await PostsMerge.configure(conn);
      this.extra.push(conn);
    }
    let next = 0;
    let failure: { e: unknown } | undefined;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        const conn = lane === 0 ? this.conn : this.extra[lane - 1]!;
        while (!failure && next < list.length) {
          const i = next++;
          try {
            await fn(list[i]!, i, conn, lane);
          } catch (e) {
            failure ??= { e };
          }
        }
      }),
    );
    if (failure) throw failure.e;
  }

  /** How many lanes rewrite `n` partitions (see {@link PostsMergeOptions.lanes}). */
  private laneCount(n: number): number {
    return Math.max(1, Math.min(n, this.opts.lanes ?? Math.min(4, os.availableParallelism())));
  }

  /** Connections of the lanes beyond the first (see {@link inLanes}). */
  private readonly extra: DuckDBConnection[] = [];

  /** The staged partitions that hold some post_id more than once (across batches or in one). */
  private async duplicatedPartitions(staged: readonly string[]): Promise<Set<string>> {
    if (!staged.length) return new Set();
    const rows = await queryRows<{ partition: string }>(
      this.conn,
      `SELECT '${LAKE.posts}/source=' || source || '/dt=' || dt AS partition
       FROM read_parquet(${sqlString(path.join(this.work, 'staged', '*', '*', '*.parquet'))}, hive_partitioning = false)
       GROUP BY source, dt HAVING count(*) > count(DISTINCT post_id)`,
    );
    return new Set(rows.map((r) => r.partition));
  }

  async close(): Promise<void> {
    // A batch still being staged holds the connection: let it finish (or fail) first.
    await this.staging;
    for (const conn of this.extra.splice(0)) conn.closeSync();
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

  /**
   * Fills the temp table `moved` (post_id, home, queries, existed) with every staged post that
   * has copies in more than one partition, lake and staging together: `home` is the partition
   * of its newest state (the one a partition's own merge would keep), `queries` the union of
   * every copy's. Returns the partitions, besides the staged ones, that hold such a copy.
   *
   * Found by a scan of the post_id column of the staged sources' files (Parquet projection:
   * one narrow column, zone maps aside), not an index: the files are the truth, so there is no
   * second structure to keep in step with them through crashes, and the cost is one column of
   * the source per merge. Only files that hold such a copy are read further.
   */
  private async findMoved(staged: readonly string[], result: MergeResult): Promise<string[]> {
    const { store, conn } = this;
    // Not a temp table: every lane's connection reads it (the database is this merge's own, in memory).
    await conn.run(`CREATE OR REPLACE TABLE moved (post_id VARCHAR, home VARCHAR, queries VARCHAR[], existed INTEGER)`);
    this.anyMoved = false;
    if (!staged.length) return [];
    const stagedGlob = path.join(this.work, 'staged', '*', '*', '*.parquet');
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE staged_ids AS
      SELECT DISTINCT post_id, '${LAKE.posts}/source=' || source || '/dt=' || dt AS partition
      FROM read_parquet(${sqlString(stagedGlob)}, hive_partitioning = false)`);
    const sources = [...new Set(staged.map((p) => p.split('/')[1]!))];
    const existing = (await Promise.all(sources.map((s) => store.list(`${LAKE.posts}/${s}/`)))).flat().filter((f) => f.key.endsWith('.parquet'));
    if (existing.length) {
      const paths = await Promise.all(existing.map((f) => store.localPath(f.key)));
      // Every file of these sources is read below, and those of the merged partitions are replaced.
      await checkColumns(conn, existing.map((f, i) => ({ url: store.url(f.key), path: paths[i]! })), 'posts');
      const partitionOf = new Map(paths.map((p, i) => [p, existing[i]!.key.slice(0, existing[i]!.key.lastIndexOf('/'))]));
      await conn.run(`CREATE OR REPLACE TEMP TABLE file_partition (filename VARCHAR, partition VARCHAR)`);
      const appender = await conn.createAppender('file_partition');
      for (const [p, part] of partitionOf) {
        appender.appendVarchar(p);
        appender.appendVarchar(part);
        appender.endRow();
      }
      appender.closeSync();
      await conn.run(`
        CREATE OR REPLACE TEMP TABLE lake_ids AS
        SELECT DISTINCT l.post_id, f.partition, l.filename
        FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false, union_by_name = true, filename = true) l
        JOIN file_partition f USING (filename)
        WHERE l.post_id IN (SELECT post_id FROM staged_ids)`);
    } else {
      await conn.run(`CREATE OR REPLACE TEMP TABLE lake_ids (post_id VARCHAR, partition VARCHAR, filename VARCHAR)`);
    }
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE split AS
      SELECT post_id FROM (SELECT post_id, partition FROM staged_ids UNION SELECT post_id, partition FROM lake_ids)
      GROUP BY post_id HAVING count(*) > 1`);
    const [n] = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM split`);
    if (!Number(n?.n)) return [];
    const files = (await queryRows<{ filename: string }>(conn, `SELECT DISTINCT filename FROM lake_ids WHERE post_id IN (SELECT post_id FROM split)`)).map((r) => r.filename);
    const lakeCopies = files.length
      ? `SELECT post_id, f.partition, collected_at, queries, 0 AS _new
         FROM read_parquet(${sqlStringList(files)}, hive_partitioning = false, union_by_name = true, filename = true) JOIN file_partition f USING (filename)
         WHERE post_id IN (SELECT post_id FROM split) UNION ALL BY NAME `
      : '';
    await conn.run(`
      INSERT INTO moved
      SELECT post_id, partition, _queries, _existed FROM (
        SELECT *,
          list_sort(list_distinct(flatten(list(queries) OVER (PARTITION BY post_id)))) AS _queries,
          max(1 - _new) OVER (PARTITION BY post_id) AS _existed,
          row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, _new DESC, partition DESC) AS _rn
        FROM (${lakeCopies}SELECT post_id, '${LAKE.posts}/source=' || source || '/dt=' || dt AS partition, collected_at, queries, 1 AS _new
              FROM read_parquet(${sqlString(stagedGlob)}, hive_partitioning = false) WHERE post_id IN (SELECT post_id FROM split))
      ) WHERE _rn = 1`);
    const [count] = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM moved`);
    result.movedPosts += Number(count!.n);
    this.anyMoved = Number(count!.n) > 0;
    result.movedExamples = (await queryRows<{ post_id: string }>(conn, `SELECT post_id FROM moved ORDER BY post_id LIMIT 5`)).map((r) => r.post_id);
    const holding = await queryRows<{ partition: string }>(conn, `SELECT DISTINCT partition FROM lake_ids WHERE post_id IN (SELECT post_id FROM split) ORDER BY partition`);
    return holding.map((r) => r.partition).filter((p) => !staged.includes(p));
  }

  /** Whether {@link findMoved} found any post in more than one partition (then every partition takes the general merge). */
  private anyMoved = false;

  /** Rewrites one partition on `conn`; returns the key of the file written, if any (none when every post left it). */
  private async mergePartition(partition: string, result: MergeResult, conn: DuckDBConnection, lane: number, duplicated: boolean): Promise<string | undefined> {
    const { store } = this;
    const existing = (await store.list(`${partition}/`)).filter((f) => f.key.endsWith('.parquet'));
    const generations = new Map(existing.map((f) => [f.key, f.generation]));
    const stagedDir = path.join(this.work, 'staged', partition.slice(LAKE.posts.length + 1));
    const hasStaged = await readdir(stagedDir).then(() => true, () => false);
    const key = `${partition}/part-${this.runId}-0.parquet`;
    const local = path.join(this.work, `out-${lane}.parquet`);
    const write = `TO ${sqlString(local)} (FORMAT parquet, COMPRESSION ${PARQUET.compression}, ROW_GROUP_SIZE ${PARQUET.rowGroupSize})`;
    if (!existing.length && hasStaged && !this.anyMoved && !this.opts.mergeEveryPartition) {
      // New to the lake, and no post of it anywhere else: its staged rows, deduplicated as
      // below (the newest state wins, queries are the union of every state's), are the file.
      // One statement; the window only where a post_id comes more than once.
      const rows = `read_parquet(${sqlString(path.join(stagedDir, '*.parquet'))}, hive_partitioning = false)`;
      const deduped = duplicated
        ? `SELECT * EXCLUDE (queries, _queries, _rn), _queries AS queries FROM (
             SELECT ${COLS},
               list_sort(list_distinct(flatten(list(queries) OVER (PARTITION BY post_id)))) AS _queries,
               row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC) AS _rn
             FROM ${rows}) WHERE _rn = 1`
        : `SELECT * REPLACE (list_sort(list_distinct(flatten([queries]))) AS queries) FROM (SELECT ${COLS} FROM ${rows})`;
      const copied = await conn.run(`COPY (SELECT ${COLS}, strftime(created_at, '%Y-%m-%d') AS dt FROM (${deduped}) ORDER BY created_at, post_id) ${write}`);
      const n = Number(copied.rowsChanged);
      result.rowsOut += n;
      result.newPosts += n;
      await store.upload(key, local, { ifAbsent: true });
      return key;
    }
    const localExisting = await Promise.all(existing.map((f) => store.localPath(f.key)));
    const parts = [
      ...(localExisting.length ? [`SELECT ${COLS}, 0 AS _new FROM read_parquet(${sqlStringList(localExisting)}, hive_partitioning = false, union_by_name = true)`] : []),
      ...(hasStaged ? [`SELECT ${COLS}, 1 AS _new FROM read_parquet(${sqlString(path.join(stagedDir, '*.parquet'))}, hive_partitioning = false)`] : []),
    ];
    // A post whose newest state lies in another partition leaves this one (see findMoved);
    // one that lives here takes the queries of all its copies.
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE merged AS
      WITH all_rows AS (${parts.join(' UNION ALL BY NAME ')}),
      kept AS (SELECT * FROM all_rows WHERE post_id NOT IN (SELECT post_id FROM moved WHERE home <> ${sqlString(partition)})),
      ranked AS (
        SELECT *,
          list_sort(list_distinct(flatten(list(queries) OVER (PARTITION BY post_id)))) AS _queries,
          max(1 - _new) OVER (PARTITION BY post_id) AS _existed,
          row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, _new DESC) AS _rn
        FROM kept
      )
      SELECT r.* EXCLUDE (queries, _queries, _rn, _new, _existed), coalesce(m.queries, r._queries) AS queries, coalesce(m.existed, r._existed) AS _existed
      FROM ranked r LEFT JOIN moved m ON m.post_id = r.post_id
      WHERE r._rn = 1`);
    const [counts] = await queryRows<{ n: bigint; fresh: bigint }>(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE _existed = 0) AS fresh FROM merged`);
    result.rowsOut += Number(counts!.n);
    result.newPosts += Number(counts!.fresh);
    if (!Number(counts!.n)) {
      // Every post here has moved to another day: the partition goes.
      await conn.run(`DROP TABLE merged`);
      for (const f of existing) {
        await store.delete(f.key);
        result.filesDeleted += 1;
      }
      return undefined;
    }
    await conn.run(`COPY (SELECT ${COLS}, strftime(created_at, '%Y-%m-%d') AS dt FROM merged ORDER BY created_at, post_id) ${write}`);
    await conn.run(`DROP TABLE merged`);
    // A name this merge reuses (a retry of the same run) replaces exactly the file it read;
    // any other name is created once. Another writer makes the upload fail.
    const before = generations.get(key);
    await store.upload(key, local, before ? { ifGeneration: before } : { ifAbsent: true });
    // Only now that the new file is in place may the files it replaces go.
    for (const f of existing) {
      if (f.key !== key) {
        await store.delete(f.key);
        result.filesDeleted += 1;
      }
    }
    return key;
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
