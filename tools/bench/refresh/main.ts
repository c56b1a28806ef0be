/**
 * Benchmark of what one run's engagement refresh costs on the lake and warehouse side, by lake
 * size. For each size N:
 *
 * 1. Setup (not timed): N generated posts over 30 days (tools/generate), `pulse write`; a history
 *    of post_metrics observations in metrics/dt=…/ (every post's first observation, written by
 *    `pulse write`, plus 0–2 refreshes within 48 h of its creation, a few found deleted), loaded
 *    into the warehouse (posts and post_metrics, as the loader does, without its stories and
 *    events passes, which tools/bench/stories and tools/bench/events measure).
 * 2. One run's refresh, incremental (what `pulse run` does), timed per part:
 *    candidates  `recentPosts` per source: posts younger than refresh.window (48h), newest
 *                first, deleted left out, capped at the default budget's capacity
 *                (refresh.maxRequests × ids per call);
 *    write       those posts' new observations into metrics/ (`writeMetrics`);
 *    load        MERGE of the new metrics/ files only (`loadMetricsFiles`, watermark
 *                loader.metrics_through);
 *    rising      the dashboard's "Rising now" query over the last 7 days.
 * 3. Baseline, in the same run and on the same state: recompute everything — candidates chosen
 *    by reading every posts/ partition and every metrics/ file, post_metrics rebuilt from the whole
 *    metrics/ zone (CREATE TABLE AS, deduplicated), the same write and Rising-now query.
 *
 * Both candidate lists and both tables are checked to be equal. The refresh's HTTP calls are not
 * measured: they are bounded by refresh.maxRequests and the APIs' rate limits, not by the lake.
 *
 *   npx tsx tools/bench/refresh/main.ts [--posts 1m] [--repeat 3] [--seed 1]
 *
 * --posts takes a list (`100k,1m`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REFRESH_REQUESTS } from '@social-pulse/config';
import { metricsFiles, openLake, postsFilesAfter, recentPosts, writeMetrics, type LakeStore, type RecentPost } from '@social-pulse/lake';
import { newRunId, openDuckDB, queryRows, sqlString, sqlStringList } from '@social-pulse/runtime';
import { columnNames, LAKE, postMetrics, quoteIdent, type PostMetric } from '@social-pulse/schema';
import { openWarehouse, type Warehouse } from '@social-pulse/warehouse';
// A benchmark times the apps' own query and load function, not copies of them (tools is not a
// lib: nothing ships this import).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { trending } from '../../../apps/dashboard/src/panels/ranked/index.ts';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadMetricsFiles } from '../../../apps/warehouse-loader/src/load-files.ts';
import { fmt, generatePosts, machine, parseSizes, pulse, scratch, table, type Scratch } from '../lib.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '1m' },
    repeat: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
  },
});
const sizes = parseSizes(values.posts, [1_000_000]);
const repeat = Math.max(1, Number(values.repeat));
const seed = Number(values.seed);
const END = '2026-11-24T00:00:00Z';
const WINDOW_MS = 48 * 3600e3;
/** Ids per batch lookup (the README's Engagement refresh table). */
const PER_CALL: Record<string, number> = { mastodon: 20, hackernews: 100, bluesky: 25, reddit: 100, x: 100, stackexchange: 100 };
const SOURCES = Object.keys(DEFAULT_REFRESH_REQUESTS) as PostMetric['source'][];
const capacity = (s: string) => (DEFAULT_REFRESH_REQUESTS as Record<string, number>)[s]! * PER_CALL[s]!;
const COLS = columnNames(postMetrics).map(quoteIdent).join(', ');

/**
 * A history of refreshes (0–2 per post, 12 h apart, 0.5% of second refreshes finding the post
 * deleted), one metrics/ file per day (setup). Every post's first observation is already there:
 * `pulse write` records one per post of every page.
 */
async function seedHistory(s: Scratch): Promise<number> {
  const { db, conn } = await openDuckDB(':memory:');
  try {
    const h = (salt: string) => `(hash(post_id, '${salt}') % 1000)`;
    await conn.run(`
CREATE TABLE obs AS
WITH p AS (
  SELECT post_id, source, created_at,
         COALESCE(like_count, 0) + COALESCE(repost_count, 0) + COALESCE(reply_count, 0) + COALESCE(quote_count, 0) + COALESCE(score, 0) AS eng
  FROM read_parquet(${sqlString(path.join(s.lake, LAKE.posts, '**/*.parquet'))}, hive_partitioning = false, union_by_name = true)
  QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC) = 1),
k AS (SELECT p.*, unnest(range(1, 1 + CAST(${h('n')} % 3 AS BIGINT))) AS k FROM p)
SELECT post_id, source,
       created_at + to_seconds(CAST(60 + ${h('t')} * 3 + k * 43200 AS BIGINT)) AS observed_at,
       CAST(eng * (k + 1) / 3 AS BIGINT) AS like_count, CAST(eng * (k + 1) / 12 AS BIGINT) AS repost_count,
       CAST(eng * (k + 1) / 9 AS BIGINT) AS reply_count, NULL::BIGINT AS quote_count, NULL::BIGINT AS score, NULL::BIGINT AS view_count,
       k = 2 AND ${h('d')} < 10 AS deleted
FROM k`);
    await conn.run(`DELETE FROM obs WHERE observed_at >= TIMESTAMPTZ '${END}'`);
    const days = await queryRows<{ d: string }>(conn, `SELECT DISTINCT strftime(observed_at AT TIME ZONE 'UTC', '%Y-%m-%d') AS d FROM obs ORDER BY d`);
    for (const { d } of days) {
      // File names sort like the runs that would have written them (the loader's watermark).
      const file = path.join(s.lake, LAKE.metrics, `dt=${d}`, `part-${d.replace(/-/g, '')}T235959Z-000000-history.parquet`);
      await mkdir(path.dirname(file), { recursive: true });
      await conn.run(`COPY (SELECT ${COLS} FROM obs WHERE strftime(observed_at AT TIME ZONE 'UTC', '%Y-%m-%d') = '${d}' ORDER BY observed_at, post_id)
                      TO ${sqlString(file)} (FORMAT parquet)`);
    }
    const [r] = await queryRows<{ n: bigint }>(conn, 'SELECT count(*) AS n FROM obs');
    return Number(r!.n);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** The baseline's candidates: every posts/ partition and every metrics/ file read, no pruning. */
async function allCandidates(lake: LakeStore, s: Scratch, source: string, since: Date, limit: number): Promise<string[]> {
  const mpaths = await Promise.all((await metricsFiles(lake)).map((f) => lake.localPath(f.key)));
  const { db, conn } = await openDuckDB(':memory:');
  try {
    const rows = await queryRows<{ post_id: string }>(
      conn,
      `SELECT post_id FROM read_parquet(${sqlString(path.join(s.lake, LAKE.posts, `source=${source}`, '**/*.parquet'))}, hive_partitioning = false, union_by_name = true)
       WHERE created_at >= ${sqlString(since.toISOString())}::TIMESTAMPTZ
         AND post_id NOT IN (SELECT post_id FROM read_parquet(${sqlStringList(mpaths)}, hive_partitioning = false, union_by_name = true) WHERE deleted)
       QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC) = 1
       ORDER BY created_at DESC, post_id LIMIT ${limit}`,
    );
    return rows.map((r) => r.post_id);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** The dashboard's Rising-now panel (posts-only variant) for the 7 days before `end`. */
async function rising(w: Warehouse, end: Date): Promise<number> {
  const params: Record<string, unknown> = {
    start: new Date(end.getTime() - 7 * 86400e3).toISOString(), end: end.toISOString(),
    prevStart: new Date(end.getTime() - 14 * 86400e3).toISOString(), bucket: 3600,
    source: '', topic: '', entity: '', lang: '', q: '', limit: 20,
  };
  const sql = trending.sql.postsOnly.duckdb;
  const used = new Set([...sql.matchAll(/\$(\w+)/g)].map((m) => m[1]!));
  const rows = await w.query(sql, Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k))) as never);
  return rows.length;
}

async function count(w: Warehouse, table: string): Promise<number> {
  const [r] = await w.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(r!.n);
}

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await fn();
  return [v, (performance.now() - t0) / 1000];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

process.stdout.write(`refresh benchmark (lake and warehouse side of one run's refresh) on ${machine()}\n`);
process.stdout.write(`not measured: the refresh's HTTP calls, bounded by refresh.maxRequests (${SOURCES.map((s) => `${s} ${capacity(s)} posts`).join(', ')} a run by default) and the APIs' rate limits\n\n`);
const summary: string[] = [];
for (const N of sizes) {
  const s = await scratch(`refresh-${N}`);
  try {
    const t0 = performance.now();
    await generatePosts(s, N, { seed, end: END });
    await pulse(s, ['write']);
    const history = await seedHistory(s);
    const lake = await openLake({ kind: 'local', root: s.lake });
    const w = await openWarehouse({ kind: 'duckdb', path: s.warehouse });
    // The warehouse as the loader leaves it for what is timed here (posts, and post_metrics with
    // its watermark), without `pulse load`'s stories and events passes over all N posts: those
    // are not the refresh's cost (tools/bench/stories and tools/bench/events measure them), and
    // at 10M posts the first stories pass alone takes many minutes.
    await w.ensureSchema();
    await w.loadPosts(await Promise.all((await postsFilesAfter(lake, undefined)).map((f) => lake.localPath(f.key))));
    await loadMetricsFiles(lake, w);
    process.stdout.write(`${fmt(N)} posts, ${fmt(await count(w, 'post_metrics'))} observations in post_metrics (${fmt(history)} of them seeded refreshes): ` +
      `set up in ${fmt((performance.now() - t0) / 1000)} s (not timed)\n`);
    const parts = { inc: { candidates: [] as number[], write: [] as number[], load: [] as number[], rising: [] as number[] }, base: { candidates: [] as number[], load: [] as number[], rising: [] as number[] } };
    const incTotal: number[] = [];
    const baseTotal: number[] = [];
    let refreshed = 0;
    try {
      for (let r = 0; r < repeat; r++) {
        const runAt = new Date(Date.parse(END) + (r + 1) * 3600e3);
        const since = new Date(runAt.getTime() - WINDOW_MS);
        // Incremental.
        const [cands, tc] = await time(async () => {
          const out = new Map<PostMetric['source'], RecentPost[]>();
          for (const src of SOURCES) out.set(src, await recentPosts(lake, src, since, capacity(src)));
          return out;
        });
        const rows: PostMetric[] = [...cands].flatMap(([src, ps]) =>
          ps.map((p, i) => ({ post_id: p.post_id, source: src, observed_at: runAt.toISOString(), like_count: 10 + i + r, repost_count: 2, reply_count: 3, quote_count: null, score: null, view_count: null, deleted: false })));
        refreshed = rows.length;
        const [, tw] = await time(() => writeMetrics(lake, rows, newRunId()));
        const [loaded, tl] = await time(() => loadMetricsFiles(lake, w));
        if (loaded.inserted !== rows.length) throw new Error(`the incremental load inserted ${JSON.stringify(loaded)} observations, expected ${rows.length}`);
        const [nr, tr] = await time(() => rising(w, runAt));
        parts.inc.candidates.push(tc);
        parts.inc.write.push(tw);
        parts.inc.load.push(tl);
        parts.inc.rising.push(tr);
        incTotal.push(tc + tw + tl + tr);

        // Baseline: recompute everything.
        const [all, bc] = await time(async () => {
          const out = new Map<string, string[]>();
          for (const src of SOURCES) out.set(src, await allCandidates(lake, s, src, since, capacity(src)));
          return out;
        });
        for (const src of SOURCES) {
          const a = cands.get(src)!.map((p) => p.post_id).join();
          if (a !== all.get(src)!.join()) throw new Error(`${src}: the baseline chose other candidates than recentPosts`);
        }
        const files = await Promise.all((await metricsFiles(lake)).map((f) => lake.localPath(f.key)));
        const [, bl] = await time(() =>
          w.query(`CREATE OR REPLACE TABLE post_metrics_rebuilt AS SELECT DISTINCT ON (post_id, observed_at) ${COLS}
                   FROM read_parquet(${sqlStringList(files)}, hive_partitioning = false, union_by_name = true) ORDER BY observed_at, post_id`));
        const [rebuilt, kept] = [await count(w, 'post_metrics_rebuilt'), await count(w, 'post_metrics')];
        if (rebuilt !== kept) throw new Error(`the rebuilt table holds ${rebuilt} observations, post_metrics ${kept}`);
        await w.query('DROP TABLE post_metrics_rebuilt');
        const [nb, br] = await time(() => rising(w, runAt));
        if (nb !== nr || nr === 0) throw new Error(`Rising now returned ${nr} then ${nb} posts`);
        parts.base.candidates.push(bc);
        parts.base.load.push(bl);
        parts.base.rising.push(br);
        baseTotal.push(bc + tw + bl + br);
      }
    } finally {
      await w.close();
    }
    const m = median;
    const rowsOut: (string | number)[][] = [
      ['incremental', m(parts.inc.candidates), m(parts.inc.write), m(parts.inc.load), m(parts.inc.rising), m(incTotal)],
      ['recompute everything (baseline)', m(parts.base.candidates), m(parts.inc.write), m(parts.base.load), m(parts.base.rising), m(baseTotal)],
    ];
    const ratio = m(baseTotal) / m(incTotal);
    process.stdout.write(`one run refreshing ${fmt(refreshed)} posts, median of ${repeat} runs (seconds):\n\n`);
    process.stdout.write(`${table(['how', 'candidates', 'write', 'load/rebuild', 'rising now', 'total'], rowsOut)}\n`);
    process.stdout.write(`baseline / incremental: ×${fmt(ratio)}\n\n`);
    summary.push(`${fmt(N)} posts: ${fmt(m(incTotal))} s incremental vs ${fmt(m(baseTotal))} s recompute-everything (×${fmt(ratio)})`);
  } finally {
    await s.cleanup();
  }
}
process.stdout.write(`summary: one run's refresh on the lake and warehouse side, ${summary.join('; ')}; HTTP calls not measured\n`);
