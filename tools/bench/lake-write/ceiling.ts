/**
 * The lake-write benchmark's ceiling: the least work any lake write built on this normalizer
 * and DuckDB's Parquet writer must do, each part timed alone in this one process.
 *
 * 1. The floor's own work again (read + gunzip + `JSON.parse` of every page, as floor.ts does
 *    it), the numerator of the ratio: measured in this process, a minute from the other parts,
 *    so that a shared machine's drift between the benchmark's steps does not enter the ratio.
 * 2. Normalizing alone (`normalizeRawPage`): the pages are read and parsed 200 at a time (not
 *    timed), the garbage left so far is collected, then the 200 are normalized (timed). The
 *    posts are then serialized as `pulse write` hands them to DuckDB (`jsonLinesUtf8`) into
 *    batch files of 100,000 posts (not timed).
 * 3. DuckDB writes those posts once, as the lake's Hive-partitioned zstd Parquet, by one
 *    `COPY … PARTITION_BY (source, dt)` on every core: wall and CPU seconds (DuckDB's threads
 *    are this process's). Nothing else: no deduplication, no sorting, no post_metrics, no
 *    existing partition read back, all of which `pulse write` must do besides.
 * 4. Where the scraper landed sidecars: their gunzip, what stands for normalizing over scraped
 *    pages.
 *
 * The caller spreads the CPU of 1, 2 and 3 over every core with nothing idle: the least wall time
 * any `pulse write` can take, and so the best ratio to the floor it can print.
 *
 *   npx tsx tools/bench/lake-write/ceiling.ts LAKE_DIR WORK_DIR
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { decodeSidecar, jsonLinesUtf8 } from '@social-pulse/lake';
import { openDuckDB, sqlString, sqlStringList } from '@social-pulse/runtime';
import { columnNames, duckdbColumnsLiteral, PARQUET, posts, quoteIdent, RAW_PAGE_SUFFIX, RAW_SIDECAR_SUFFIX } from '@social-pulse/schema';
import { decodeRawPage, normalizeRawPage } from '@social-pulse/sources';
import { floorWork, rawFiles } from './pages.ts';

const [lake, work] = process.argv.slice(2);
if (!lake || !work) throw new Error('usage: ceiling.ts LAKE_DIR WORK_DIR');
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const pages = await rawFiles(lake, RAW_PAGE_SUFFIX);
const sidecars = await rawFiles(lake, RAW_SIDECAR_SUFFIX);

// Pass 1, the floor's work exactly as floor.ts does it, timed whole: the numerator of the ratio.
const floor = await floorWork(pages);
if (floor.parsed !== pages.length) throw new Error(`${pages.length - floor.parsed} pages without a body`);

// Pass 2, normalizing alone: pages are read and parsed a chunk at a time (not timed), the
// garbage of earlier chunks is collected, then the chunk is normalized (timed), then its posts
// serialized into the batch files (not timed).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const BATCH = 100_000;
const CHUNK = 200;
const batches: string[] = [];
let chunks: Uint8Array[] = [];
let inBatch = 0;
let postCount = 0;
let normalizeNs = 0n;
const flush = async () => {
  if (!inBatch) return;
  const file = path.join(work, `batch-${batches.length}.ndjson`);
  await writeFile(file, Buffer.concat(chunks));
  batches.push(file);
  chunks = [];
  inBatch = 0;
};
for (let i = 0; i < pages.length; i += CHUNK) {
  const parsed = [];
  for (const f of pages.slice(i, i + CHUNK)) parsed.push(decodeRawPage(gunzipSync(await readFile(f)).toString('utf8')));
  gc();
  const t0 = process.hrtime.bigint();
  const normalized = parsed.map((page) => normalizeRawPage(page));
  normalizeNs += process.hrtime.bigint() - t0;
  for (const n of normalized) {
    chunks.push(jsonLinesUtf8(n.posts));
    inBatch += n.posts.length;
    postCount += n.posts.length;
  }
  if (inBatch >= BATCH) await flush();
}
await flush();

let sidecarGunzipNs = 0n;
for (const f of sidecars) {
  const gz = await readFile(f);
  const t0 = process.hrtime.bigint();
  const s = decodeSidecar(gz);
  sidecarGunzipNs += process.hrtime.bigint() - t0;
  if (!s) throw new Error(`unreadable sidecar ${f}`);
}

const cols = columnNames(posts).map(quoteIdent).join(', ');
const cores = os.availableParallelism();
const { db, conn } = await openDuckDB(':memory:', { threads: cores });
try {
  await conn.run(`SET preserve_insertion_order = false`);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await conn.run(`
    COPY (SELECT ${cols}, strftime(created_at, '%Y-%m-%d') AS dt
          FROM read_json(${sqlStringList(batches)}, format = 'newline_delimited', columns = ${duckdbColumnsLiteral(posts)}))
    TO ${sqlString(path.join(work, 'out'))}
    (FORMAT parquet, COMPRESSION ${PARQUET.compression}, PARTITION_BY (source, dt), WRITE_PARTITION_COLUMNS true)`);
  const writeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    `${JSON.stringify({
      pages: pages.length,
      posts: postCount,
      parseSeconds: floor.seconds,
      normalizeSeconds: Number(normalizeNs) / 1e9,
      writeSeconds,
      writeCpuSeconds: (cpu.user + cpu.system) / 1e6,
      cores,
      sidecars: sidecars.length,
      sidecarGunzipSeconds: Number(sidecarGunzipNs) / 1e9,
    })}\n`,
  );
} finally {
  conn.closeSync();
  db.closeSync();
  await rm(work, { recursive: true, force: true });
}
