import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { queryRows, sqlString, sqlStringList } from '@social-pulse/runtime';
import { columnNames, dayOf, duckdbColumnsLiteral, LAKE, metricsPartition, PARQUET, postMetrics, quoteIdent, type PostMetric } from '@social-pulse/schema';
import { checkColumns } from './columns.ts';
import { writeNdjson } from './ndjson.ts';
import { AlreadyExistsError, type LakeStore } from './store/store.ts';
import { openScratchDuck, withDuck, type ScratchDuck } from './duck.ts';
import { metricsFiles } from './zone.ts';

/**
 * The lake's metrics/ zone: append-only Parquet files of `post_metrics` rows (one observation
 * of a post's counts each), `metrics/dt=<observed day>/part-<run_id>-<content hash>.parquet`.
 * Rows are identified by (post_id, observed_at); the same observation written twice (a
 * lake-write retried, or the raw zone merged again from scratch) is the same row, which
 * readers and the warehouse's MERGE keep once. Names sort in the order they were written
 * (run ids do), which is what the loader's watermark relies on (LAKE_ZONES.metrics, ./zone.ts).
 */

const COLS = columnNames(postMetrics).map(quoteIdent).join(', ');

/**
 * Writes observations as new metrics/ files, one per observed day. A file's name carries a
 * hash of its rows, so writing the same rows again (a retried step) finds the file already
 * there and writes nothing.
 */
export async function writeMetrics(store: LakeStore, rows: readonly PostMetric[], runId: string): Promise<{ files: string[]; rows: number }> {
  if (!rows.length) return { files: [], rows: 0 };
  const writer = await MetricsWriter.open(store, runId);
  try {
    return await writer.write(rows);
  } finally {
    await writer.close();
  }
}

/**
 * {@link writeMetrics} for a step that writes observations batch after batch: one DuckDB (one
 * thread: the lake writer writes these batches while its threads normalize pages, one per
 * core, and a day's file is small) and one scratch folder for the whole run. Opening and
 * closing an in-memory DuckDB for each of a million posts' eleven batches cost the lake
 * writer's thread about 3 s.
 */
export class MetricsWriter {
  private files = 0;

  private constructor(
    private readonly store: LakeStore,
    private readonly runId: string,
    private readonly duck: ScratchDuck,
  ) {}

  static async open(store: LakeStore, runId: string): Promise<MetricsWriter> {
    return new MetricsWriter(store, runId, await openScratchDuck('metrics', { threads: 1 }));
  }

  /** Writes `rows` (one batch; write one batch at a time) as {@link writeMetrics} does. */
  async write(rows: readonly PostMetric[]): Promise<{ files: string[]; rows: number }> {
    const byDay = new Map<string, PostMetric[]>();
    for (const r of rows) {
      const day = dayOf(r.observed_at);
      let group = byDay.get(day);
      if (!group) byDay.set(day, (group = []));
      group.push(r);
    }
    const { conn } = this.duck;
    const files: string[] = [];
    for (const [day, group] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const n = this.files++;
      const staged = path.join(this.duck.work, `${n}.ndjson`);
      const out = path.join(this.duck.work, `${n}.parquet`);
      try {
        group.sort((a, b) => (a.post_id < b.post_id ? -1 : a.post_id > b.post_id ? 1 : a.observed_at < b.observed_at ? -1 : 1));
        await writeNdjson(staged, group);
        const hash = createHash('sha256');
        for (const r of group) hash.update(`${r.post_id}\u0000${r.observed_at}\n`);
        await conn.run(
          `COPY (SELECT DISTINCT ON (post_id, observed_at) ${COLS}
                 FROM read_json(${sqlStringList([staged])}, format = 'newline_delimited', columns = ${duckdbColumnsLiteral(postMetrics)})
                 ORDER BY observed_at, post_id)
           TO ${sqlString(out)} (FORMAT parquet, COMPRESSION ${PARQUET.compression}, ROW_GROUP_SIZE ${PARQUET.rowGroupSize})`,
        );
        const key = `${metricsPartition(day)}/part-${this.runId}-${hash.digest('hex').slice(0, 12)}.parquet`;
        try {
          await this.store.upload(key, out, { ifAbsent: true });
        } catch (e) {
          if (!(e instanceof AlreadyExistsError)) throw e;
        }
        files.push(key);
      } finally {
        await rm(staged, { force: true });
        await rm(out, { force: true });
      }
    }
    return { files, rows: rows.length };
  }

  close(): Promise<void> {
    return this.duck.close();
  }
}

/** Every observation in the metrics/ zone (deduplicated), oldest first per post: for tests and `pulse` tools. */
export async function readMetrics(store: LakeStore, postIds?: readonly string[]): Promise<PostMetric[]> {
  const files = await metricsFiles(store);
  if (!files.length) return [];
  return withDuck('metrics', async (conn) => {
    const paths = await Promise.all(files.map((f) => store.localPath(f.key)));
    await checkColumns(conn, files.map((f, i) => ({ url: store.url(f.key), path: paths[i]! })), 'metrics');
    const where = postIds ? `WHERE post_id IN (SELECT unnest(${sqlStringList([...postIds])}))` : '';
    const rows = await queryRows<Omit<PostMetric, 'observed_at'> & { observed_at: Date }>(
      conn,
      `SELECT DISTINCT ON (post_id, observed_at) ${COLS}
       FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false, union_by_name = true) ${where}
       ORDER BY post_id, observed_at`,
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      ...r,
      observed_at: r.observed_at.toISOString(),
      like_count: num(r.like_count),
      repost_count: num(r.repost_count),
      reply_count: num(r.reply_count),
      quote_count: num(r.quote_count),
      score: num(r.score),
      view_count: num(r.view_count),
    }));
  });
}

/** What a refresh needs to know of a post: how to ask its source for it again. */
export interface RecentPost {
  post_id: string;
  native_id: string;
  kind: string;
  created_at: string;
  /** The post's `extra` JSON (Mastodon's instance and local id live there). */
  extra: string | null;
}

/**
 * The newest state of a source's posts created at or after `since`, newest first, at most
 * `limit`: the candidates of an engagement refresh. Only the day partitions from `since` on
 * are read. Posts whose last observation found them deleted are left out (asking again would
 * spend the budget on nothing).
 */
export async function recentPosts(store: LakeStore, source: string, since: Date, limit: number): Promise<RecentPost[]> {
  if (limit <= 0) return [];
  const fromDay = dayOf(since);
  const dtOf = (key: string) => /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1] ?? '';
  const files = (await store.list(`${LAKE.posts}/source=${source}/`)).filter((f) => f.key.endsWith('.parquet') && dtOf(f.key) >= fromDay);
  if (!files.length) return [];
  const gone = (await metricsFiles(store)).filter((f) => dtOf(f.key) >= fromDay);
  return withDuck('metrics', async (conn) => {
    const paths = await Promise.all(files.map((f) => store.localPath(f.key)));
    await checkColumns(conn, files.map((f, i) => ({ url: store.url(f.key), path: paths[i]! })), 'posts');
    let exclude = '';
    if (gone.length) {
      const mpaths = await Promise.all(gone.map((f) => store.localPath(f.key)));
      await checkColumns(conn, gone.map((f, i) => ({ url: store.url(f.key), path: mpaths[i]! })), 'metrics');
      exclude = `AND post_id NOT IN (SELECT post_id FROM read_parquet(${sqlStringList(mpaths)}, hive_partitioning = false, union_by_name = true)
                                     WHERE deleted AND source = ${sqlString(source)})`;
    }
    const rows = await queryRows<Omit<RecentPost, 'created_at'> & { created_at: Date }>(
      conn,
      `SELECT post_id, native_id, kind, created_at, extra
       FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false, union_by_name = true)
       WHERE created_at >= ${sqlString(since.toISOString())}::TIMESTAMPTZ ${exclude}
       QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC) = 1
       ORDER BY created_at DESC, post_id
       LIMIT ${Math.floor(limit)}`,
    );
    return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
  });
}
