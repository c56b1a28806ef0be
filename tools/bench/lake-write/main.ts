/**
 * Benchmark of normalize + lake write: `pulse write` over a generated raw zone of N posts
 * (posts/s and peak memory), against two baselines measured in the same run:
 *
 * - the floor: reading, gunzipping and `JSON.parse`-ing the same raw pages in one Node
 *   process and doing nothing else (floor.ts), the least any JavaScript normalizer must do.
 *   Its time is taken inside that process (Node's start-up not counted), while `pulse write`
 *   is timed from outside, start-up included: the ratio `floor ÷ pulse write` is the strict
 *   one. It is printed for every size as `× floor` (1 = as fast as only parsing the pages).
 * - the naive baseline: the same normalization, then one INSERT per row into DuckDB (see
 *   naive.ts).
 *
 * - the ceiling: the least work any lake write must do, each part timed alone in one process
 *   (ceiling.ts): the floor's work again (so that the ratio holds on a machine whose speed
 *   drifts during the run), normalizing alone, and DuckDB writing the posts once, from the
 *   NDJSON lines `pulse write` hands it, as the lake's partitioned zstd Parquet on every core,
 *   without deduplicating, sorting or writing post_metrics. Their CPU seconds spread over every
 *   core with nothing idle is the least wall time any `pulse write` built on this normalizer
 *   and DuckDB's writer can take, and the floor's work timed beside them over it is the best
 *   ratio such a write could print. (Over scraped pages, the sidecars' gunzip stands for the
 *   normalization.)
 *
 * A generated raw zone has no sidecars (the scraper's normalized posts beside each page, issue
 * 17), so `pulse write` normalizes every page. The second row, "pulse write over scraped
 * pages", writes the same lake again from scratch once sidecars.ts has landed each page's
 * sidecar with the scraper's own code; the time the scraper spends making and writing them is
 * printed beside it (the normalization it needs anyway is printed too, not added to it).
 *
 * The lake is checked after each write: exactly the generated posts, once each.
 *
 *   npx tsx tools/bench/lake-write/main.ts [--sizes 100k,1m,10m] [--baseline-posts 20000] [--seed 1] [--no-sidecars]
 *   (--baseline-posts 0 leaves the naive baseline out; --no-sidecars the second row)
 *
 * The naive baseline is far slower (about 300 rows/s here), so it runs on `--baseline-posts`
 * posts only and is compared by rate.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDB, queryRows, sqlStringList } from '@social-pulse/runtime';
import { fmt, generatePosts, machine, parseSizes, pulse, scratch, script, table } from '../lib.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100k' },
    'baseline-posts': { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    'no-sidecars': { type: 'boolean', default: false },
  },
});
const sizes = parseSizes(values.sizes, [100_000], 'sizes');
const baselinePosts = values['baseline-posts'] === '0' ? 0 : parseSizes(values['baseline-posts'], [20_000], 'baseline-posts')[0]!;
const seed = Number(values.seed);
const END = '2026-11-24T00:00:00Z';

async function lakeCount(dir: string): Promise<{ rows: number; distinct: number; files: number }> {
  const { db, conn } = await openDuckDB(':memory:');
  try {
    const glob = sqlStringList([path.join(dir, 'posts/**/*.parquet')]);
    const [r] = await queryRows<{ rows: bigint; ids: bigint; files: bigint }>(
      conn,
      `SELECT count(*) AS rows, count(DISTINCT post_id) AS ids, count(DISTINCT filename) AS files FROM read_parquet(${glob}, filename = true, hive_partitioning = false)`,
    );
    return { rows: Number(r!.rows), distinct: Number(r!.ids), files: Number(r!.files) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

process.stdout.write(`lake-write benchmark on ${machine()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at start\n\n`);
const rows: (string | number)[][] = [];
const summary: string[] = [];

// Baseline first, on its own small lake.
let naiveRate = Number.NaN;
if (baselinePosts) {
  const base = await scratch('naive');
  await generatePosts(base, baselinePosts, { seed, end: END });
  const naive = await script('tools/bench/lake-write/naive.ts', [base.lake, path.join(base.dir, 'naive-out')]);
  naiveRate = baselinePosts / naive.seconds;
  rows.push([`naive row-at-a-time (baseline)`, baselinePosts, naive.seconds, naiveRate, naive.peakMb, '']);
  await base.cleanup();
}

for (const n of sizes) {
  const s = await scratch(`write-${n}`);
  const gen = await generatePosts(s, n, { seed, end: END });
  // The floor first, over the very pages `pulse write` reads next (both find them in the page cache).
  const f = await script('tools/bench/lake-write/floor.ts', [s.lake]);
  const floor = JSON.parse(f.stdout) as { seconds: number; pages: number };
  rows.push([`floor: read + gunzip + JSON.parse`, n, floor.seconds, n / floor.seconds, f.peakMb, `${floor.pages} pages, in-process time (process wall ${fmt(f.seconds)} s)`]);
  const w = await pulse(s, ['write']);
  const check = await lakeCount(s.lake);
  if (check.rows !== n || check.distinct !== n) throw new Error(`lake holds ${check.rows} rows, ${check.distinct} distinct, expected ${n}`);
  const rate = n / w.seconds;
  const ofFloor = floor.seconds / w.seconds;
  rows.push([`pulse write`, n, w.seconds, rate, w.peakMb, `×${ofFloor.toFixed(3)} floor; ${check.files} files; generated in ${fmt(gen.seconds)} s`]);
  summary.push(`${fmt(n)} posts: ${fmt(rate)} posts/s, ×${ofFloor.toFixed(3)} the floor (${fmt(floor.seconds)} s vs ${fmt(w.seconds)} s), peak ${fmt(w.peakMb)} MB${baselinePosts ? `, ×${fmt(rate / naiveRate)} the naive baseline` : ''}`);
  if (!values['no-sidecars']) {
    // The same pages as a scrape lands them: each with its sidecar, made by the scraper's code.
    const sc = JSON.parse((await script('tools/bench/lake-write/sidecars.ts', [s.lake])).stdout) as {
      pages: number;
      posts: number;
      sidecarSeconds: number;
      normalizeSeconds: number;
      pageBytes: number;
      sidecarBytes: number;
    };
    // Written again from scratch: the same work as the first row, from sidecars.
    for (const d of ['posts', 'metrics', '_state']) await rm(path.join(s.lake, d), { recursive: true, force: true });
    const ws = await pulse(s, ['write']);
    const again = await lakeCount(s.lake);
    if (again.rows !== n || again.distinct !== n) throw new Error(`lake from sidecars holds ${again.rows} rows, ${again.distinct} distinct, expected ${n}`);
    const scrapeCost = `scraper's sidecar cost ${fmt(sc.sidecarSeconds)} s (${fmt((sc.sidecarSeconds * 1e6) / sc.pages)} µs a page; its normalization, paid anyway, ${fmt(sc.normalizeSeconds)} s)`;
    rows.push([`scraper: make + write sidecars`, n, sc.sidecarSeconds, n / sc.sidecarSeconds, Number.NaN, `${sc.pages} pages; +${fmt(sc.sidecarBytes / 2 ** 20)} MB in raw/ (pages ${fmt(sc.pageBytes / 2 ** 20)} MB)`]);
    rows.push([`pulse write over scraped pages (sidecars present)`, n, ws.seconds, n / ws.seconds, ws.peakMb, `×${(floor.seconds / ws.seconds).toFixed(3)} floor; ×${fmt(w.seconds / ws.seconds)} faster than without`]);
    summary.push(`over scraped pages (sidecars) ${fmt(n / ws.seconds)} posts/s (${fmt(ws.seconds)} s vs ${fmt(w.seconds)} s), peak ${fmt(ws.peakMb)} MB; ${scrapeCost}`);
  }
  // The ceiling: the least work any write must do, each part timed alone (ceiling.ts), spread over every core.
  const c = JSON.parse((await script('tools/bench/lake-write/ceiling.ts', [s.lake, path.join(s.dir, 'ceiling')])).stdout) as {
    parseSeconds: number;
    normalizeSeconds: number;
    writeSeconds: number;
    writeCpuSeconds: number;
    cores: number;
    sidecars: number;
    sidecarGunzipSeconds: number;
  };
  const least = c.parseSeconds + c.normalizeSeconds;
  const rawBound = (least + c.writeCpuSeconds) / c.cores;
  const rawCeiling = c.parseSeconds / rawBound;
  rows.push([`least work: read + parse + normalize, one thread`, n, least, n / least, Number.NaN, `the floor's work ${fmt(c.parseSeconds)} s, then normalizing ${fmt(c.normalizeSeconds)} s (×${(c.normalizeSeconds / c.parseSeconds).toFixed(2)} of it), timed apart`]);
  rows.push([`least work: DuckDB writes the posts once`, n, c.writeSeconds, n / c.writeSeconds, Number.NaN, `their lines → partitioned zstd Parquet, ${c.cores} threads, ${fmt(c.writeCpuSeconds)} s CPU; no dedupe, sort or metrics`]);
  rows.push([`ceiling from raw pages: both on every core`, n, rawBound, n / rawBound, Number.NaN, `(${fmt(least)} + ${fmt(c.writeCpuSeconds)} s CPU) ÷ ${c.cores} cores: ×${rawCeiling.toFixed(3)} the floor's work at most`]);
  let scrapedCeiling = '';
  if (c.sidecars) {
    const scrapedBound = (c.sidecarGunzipSeconds + c.writeCpuSeconds) / c.cores;
    rows.push([`ceiling over scraped pages`, n, scrapedBound, n / scrapedBound, Number.NaN, `(sidecars' gunzip ${fmt(c.sidecarGunzipSeconds)} s + DuckDB) ÷ ${c.cores}: ×${(c.parseSeconds / scrapedBound).toFixed(3)} at most`]);
    scrapedCeiling = `, ×${(c.parseSeconds / scrapedBound).toFixed(3)} over scraped pages`;
  }
  summary.push(`ceiling (the least work, every core busy): ×${rawCeiling.toFixed(3)} the floor from raw pages (pulse write's ×${ofFloor.toFixed(3)} is ${(ofFloor / rawCeiling).toFixed(2)} of it)${scrapedCeiling}`);
  if (!values.keep) await s.cleanup();
  else process.stdout.write(`kept ${s.dir}\n`);
}

process.stdout.write(`${table(['run', 'posts', 'seconds', 'posts/s', 'peak MB', 'notes'], rows)}\n\n`);
process.stdout.write(`summary: lake-write ${summary.join('; ')}\n`);
process.stdout.write(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at the end\n`);
