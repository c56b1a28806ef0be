/**
 * Benchmark of incremental runs and of the warehouse load. For each lake size L:
 *
 * 1. a lake of L generated posts is written and loaded into an empty DuckDB warehouse
 *    (the full load: `pulse load`, against the baseline of one CREATE TABLE AS over every file);
 * 2. an increment of I new posts (default 10k, 1% of 1M) arrives: `pulse write` then `pulse load`
 *    (an incremental MERGE) — the cost that must not grow with L;
 * 3. baseline: the same increment handled by a full rebuild (lake rewritten from the raw zone,
 *    warehouse reloaded from the lake), what a pipeline without state does on every run.
 *
 * Every step is checked: the warehouse ends with exactly L + I posts.
 *
 *   npx tsx tools/bench/incremental/main.ts [--lake-sizes 100k,1m] [--increment 10k] [--seed 1]
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { fmt, generatePosts, machine, parseSizes, pulse, scratch, script, table, type Scratch } from '../lib.ts';

const { values } = parseArgs({
  options: {
    'lake-sizes': { type: 'string', default: '100k,1m' },
    increment: { type: 'string', default: '10k' },
    seed: { type: 'string', default: '1' },
  },
});
const sizes = parseSizes(values['lake-sizes'], [100_000, 1_000_000], 'lake-sizes');
const inc = parseSizes(values.increment, [10_000], 'increment')[0]!;
const seed = Number(values.seed);
const D0 = '2026-11-24T00:00:00Z';
const D1 = '2026-11-24T02:00:00Z';

async function warehousePosts(s: Scratch): Promise<number> {
  const { db, conn } = await openDuckDB(s.warehouse);
  try {
    const [r] = await queryRows<{ n: bigint }>(conn, 'SELECT count(*) AS n FROM posts');
    return Number(r!.n);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function expectPosts(s: Scratch, n: number, when: string) {
  const got = await warehousePosts(s);
  if (got !== n) throw new Error(`${when}: the warehouse holds ${got} posts, expected ${n}`);
}

process.stdout.write(`incremental-run and warehouse-load benchmark on ${machine()}\n\n`);
const loadRows: (string | number)[][] = [];
const incRows: (string | number)[][] = [];
const incCost: number[] = [];
const rebuildCost: number[] = [];

for (const L of sizes) {
  const s = await scratch(`inc-${L}`);
  await generatePosts(s, L, { seed, end: D0 });
  const w0 = await pulse(s, ['write']);
  const l0 = await pulse(s, ['load']);
  await expectPosts(s, L, 'full load');
  const ctas = await script('tools/bench/incremental/reload.ts', [s.lake, path.join(s.dir, 'reload.duckdb')]);
  loadRows.push([`${fmt(L)} posts into an empty warehouse`, 'pulse load (MERGE)', l0.seconds, L / l0.seconds, l0.peakMb]);
  loadRows.push(['', 'CREATE TABLE AS (baseline)', ctas.seconds, L / ctas.seconds, ctas.peakMb]);

  // The increment: posts of the last two hours, a later run.
  await script('tools/generate/main.ts', ['--lake', s.lake, '--posts', String(inc), '--seed', String(seed + 1), '--end', D1, '--days', '0.08']);
  const w1 = await pulse(s, ['write']);
  const l1 = await pulse(s, ['load']);
  await expectPosts(s, L + inc, 'incremental load');
  incCost.push(w1.seconds + l1.seconds);
  loadRows.push([`${fmt(inc)} new posts into ${fmt(L)}`, 'pulse load (incremental MERGE)', l1.seconds, inc / l1.seconds, l1.peakMb]);

  // Baseline: the same increment by a full rebuild.
  await rm(path.join(s.lake, 'posts'), { recursive: true, force: true });
  await rm(path.join(s.lake, '_state'), { recursive: true, force: true });
  await rm(s.warehouse, { force: true });
  const w2 = await pulse(s, ['write']);
  const l2 = await pulse(s, ['load']);
  await expectPosts(s, L + inc, 'full rebuild');
  rebuildCost.push(w2.seconds + l2.seconds);

  incRows.push([fmt(L), 'incremental (write + load)', w1.seconds, l1.seconds, w1.seconds + l1.seconds, Math.max(w1.peakMb, l1.peakMb)]);
  incRows.push(['', 'full rebuild (baseline)', w2.seconds, l2.seconds, w2.seconds + l2.seconds, Math.max(w2.peakMb, l2.peakMb)]);
  process.stdout.write(`lake of ${fmt(L)}: first write ${fmt(w0.seconds)} s, first load ${fmt(l0.seconds)} s\n`);
  await s.cleanup();
}

process.stdout.write(`\nA run that adds ${fmt(inc)} posts, by lake size (seconds):\n\n`);
process.stdout.write(`${table(['lake posts', 'run', 'write s', 'load s', 'total s', 'peak MB'], incRows)}\n\n`);
process.stdout.write(`Warehouse load (DuckDB):\n\n`);
process.stdout.write(`${table(['load', 'how', 'seconds', 'posts/s', 'peak MB'], loadRows)}\n\n`);
const growth = incCost.at(-1)! / incCost[0]!;
process.stdout.write(
  `summary: adding ${fmt(inc)} posts costs ${incCost.map((c) => `${fmt(c)} s`).join(' → ')} for lakes of ${sizes.map(fmt).join(' → ')} posts ` +
    `(×${fmt(growth)} for ×${fmt(sizes.at(-1)! / sizes[0]!)} the lake); a full rebuild costs ${rebuildCost.map((c) => `${fmt(c)} s`).join(' → ')}\n`,
);
