import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, queryRows, sqlString, sqlStringList, type DuckDBConnection } from '@social-pulse/runtime';
import { columnNames, dayOf, duckdbColumnsLiteral, nlpPartition, PARQUET, postNlp, quoteIdent, type PostNlp } from '@social-pulse/schema';
import { checkColumns, type ParquetZone } from './columns.ts';
import { writeNdjson } from './ndjson.ts';
import type { LakeStore } from './store/store.ts';
import { withDuck } from './duck.ts';
import { nlpFiles } from './zone.ts';

/**
 * The lake's nlp/ zone: append-only Parquet files of `post_nlp` rows, one set per enrich run
 * (`nlp/dt=<enriched day>/part-<run_id>-<seq>.parquet`). A post relabelled later (new text,
 * new model) gets a newer row in a newer file; readers keep the newest row per post_id, as the
 * warehouse's MERGE does. Names sort in the order they were written, which is what the
 * loader's watermark relies on (LAKE_ZONES.nlp, ./zone.ts).
 */

const NLP_COLS = columnNames(postNlp).map(quoteIdent).join(', ');

export interface NlpWriteResult {
  files: string[];
  rows: number;
}

/**
 * Write labels as new nlp/ files, one per enrichment day, each created once (write to a
 * temporary file, then upload: it is visible only when complete). `seq` tells apart the
 * files one run writes in several chunks.
 */
export async function writeNlp(store: LakeStore, rows: readonly PostNlp[], runId: string, seq = 0): Promise<NlpWriteResult> {
  if (!rows.length) return { files: [], rows: 0 };
  const byDay = new Map<string, PostNlp[]>();
  for (const r of rows) {
    const day = dayOf(r.enriched_at);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  return withDuck('nlp', async (conn, work) => {
    const files: string[] = [];
    let n = seq;
    for (const [day, group] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const staged = path.join(work, `${n}.ndjson`);
      const out = path.join(work, `${n}.parquet`);
      await writeNdjson(staged, group);
      await conn.run(
        `COPY (SELECT ${NLP_COLS} FROM read_json(${sqlStringList([staged])}, format = 'newline_delimited', columns = ${duckdbColumnsLiteral(postNlp)}) ORDER BY created_at, post_id)
         TO ${sqlString(out)} (FORMAT parquet, COMPRESSION ${PARQUET.compression}, ROW_GROUP_SIZE ${PARQUET.rowGroupSize})`,
      );
      const key = `${nlpPartition(day)}/part-${runId}-${String(n).padStart(6, '0')}.parquet`;
      await store.upload(key, out, { ifAbsent: true });
      files.push(key);
      n++;
    }
    return { files, rows: rows.length };
  });
}

const localPaths = (store: LakeStore, keys: readonly string[]) => Promise.all(keys.map((k) => store.localPath(k)));

/** Local copies of lake files, once their columns are known to be the zone's (see checkColumns). */
async function checkedPaths(conn: DuckDBConnection, store: LakeStore, keys: readonly string[], zone: ParquetZone): Promise<string[]> {
  const paths = await localPaths(store, keys);
  await checkColumns(conn, keys.map((k, i) => ({ url: store.url(k), path: paths[i]! })), zone);
  return paths;
}

/**
 * The newest `text_hash` of every labelled post (post_id → text_hash): what the enricher
 * compares with to decide what needs labelling.
 */
export async function readNlpIndex(store: LakeStore): Promise<Map<string, string>> {
  const files = await nlpFiles(store);
  if (!files.length) return new Map();
  return withDuck('nlp', async (conn) => {
    const paths = await checkedPaths(conn, store, files.map((f) => f.key), 'nlp');
    const rows = await queryRows<{ post_id: string; text_hash: string }>(
      conn,
      `SELECT post_id, text_hash FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false, union_by_name = true)
       QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY enriched_at DESC) = 1`,
    );
    return new Map(rows.map((r) => [r.post_id, r.text_hash]));
  });
}

/** The newest labels of the given posts (posts without labels are left out). */
export async function readNlpRows(store: LakeStore, postIds: readonly string[]): Promise<PostNlp[]> {
  const files = await nlpFiles(store);
  if (!files.length || !postIds.length) return [];
  return withDuck('nlp', async (conn) => {
    const paths = await checkedPaths(conn, store, files.map((f) => f.key), 'nlp');
    await conn.run('CREATE TEMP TABLE wanted (post_id VARCHAR)');
    const appender = await conn.createAppender('wanted');
    for (const id of new Set(postIds)) {
      appender.appendVarchar(id);
      appender.endRow();
    }
    appender.closeSync();
    const rows = await queryRows<Omit<PostNlp, 'enriched_at' | 'created_at'> & { enriched_at: Date | string; created_at: Date | string }>(
      conn,
      `SELECT ${NLP_COLS} FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false, union_by_name = true)
       WHERE post_id IN (SELECT post_id FROM wanted)
       QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY enriched_at DESC) = 1
       ORDER BY post_id`,
    );
    const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : String(v));
    return rows.map((r) => ({ ...r, enriched_at: iso(r.enriched_at), created_at: iso(r.created_at) }));
  });
}

/** What the enricher needs of a post. */
export interface PostText {
  post_id: string;
  /** ISO instant; copied into the post's labels (see post_nlp.created_at). */
  created_at: string;
  text: string;
  title: string | null;
}

const POST_TEXTS_SQL = (paths: readonly string[]) =>
  `SELECT post_id, created_at, text, title FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false, union_by_name = true)
   QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC) = 1
   ORDER BY post_id`;

type PostTextRow = Omit<PostText, 'created_at'> & { created_at: Date };
const postTextOf = (r: PostTextRow): PostText => ({ post_id: r.post_id, created_at: r.created_at.toISOString(), text: r.text, title: r.title });

/** The newest state of each post in these posts/ files: its id, creation time, text and title. */
export async function readPostTexts(store: LakeStore, keys: readonly string[]): Promise<PostText[]> {
  if (!keys.length) return [];
  return withDuck('nlp', async (conn) => {
    const paths = await checkedPaths(conn, store, keys, 'posts');
    return (await queryRows<PostTextRow>(conn, POST_TEXTS_SQL(paths))).map(postTextOf);
  });
}

/**
 * What `readPostTexts` returns, in windows of at most `window` posts (in post_id order), for
 * a relabelling of millions of posts: the caller holds one window of texts at a time, not
 * every text at once. DuckDB streams the query's result a chunk (2,048 rows) at a time and
 * spills its sort to a temporary folder instead of growing without bound. Each post comes
 * once, in its newest state, as from `readPostTexts`.
 */
export async function* streamPostTexts(store: LakeStore, keys: readonly string[], window: number): AsyncGenerator<PostText[]> {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`streamPostTexts: window must be a positive whole number, got ${window}`);
  if (!keys.length) return;
  const work = await mkdtemp(path.join(os.tmpdir(), 'pulse-nlp-'));
  const { db, conn } = await openDuckDB(':memory:');
  try {
    await conn.run(`SET temp_directory = ${sqlString(work)}`);
    const paths = await checkedPaths(conn, store, keys, 'posts');
    const result = await conn.stream(POST_TEXTS_SQL(paths));
    let pending: PostText[] = [];
    for await (const rows of result.yieldRowObjectJs()) {
      for (const r of rows as unknown as PostTextRow[]) {
        pending.push(postTextOf(r));
        if (pending.length === window) {
          yield pending;
          pending = [];
        }
      }
    }
    if (pending.length) yield pending;
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}
