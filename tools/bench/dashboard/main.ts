/**
 * Benchmark of the dashboard's queries on a DuckDB warehouse of a million posts.
 *
 * 1. Seeds a warehouse with N synthetic posts over a year (DuckDB `range()`, a few seconds):
 *    six sources, Zipf-like authors, hashtags and links, heavy-tailed engagement, NLP labels
 *    on 90% of posts. Rows are inserted in time order, as incremental loads leave them.
 *    Then their engagement history in post_metrics, as the pipeline records it (see
 *    seedObservations): Rising now reads it, and without it every post would be ranked by its
 *    age-decayed score alone, the cheap case.
 * 2. Starts the real dashboard app (its own process, as `pulse dashboard` does) and asks
 *    /api/dashboard for several views; the server reports each panel's query time, from
 *    which p50 and p95 per panel are printed, with the whole request's time.
 *    The warehouse is opened for writing once first, which builds its rollups (timed): the
 *    charts, the headline and the aggregate lists read them (see apps/dashboard/src/sql.ts).
 * 3. Raw queries, in the same run: the same server and views with the rollups hidden from the
 *    dashboard (their pulse_state entry removed for the while, then put back), so that every
 *    panel reads posts, as before the rollups; p95 of the whole request is printed beside the
 *    rollups' with the ratio.
 * 4. Baseline, in the same run: the naive design — read the view's rows into Node and build
 *    the headline, hashtags and trending panels there, row by row.
 *
 *   npx tsx tools/bench/dashboard/main.ts [--posts 1000000] [--repeat 7] [--raw-repeat 5] [--keep FILE]
 *       [--baseline-periods 7,30,365|none]
 *
 * The baseline holds every row of its view in Node's heap: at 10M posts, leave 365 out of
 * --baseline-periods (10M rows do not fit in Node's default heap, which is the point).
 *
 * --keep FILE seeds FILE once and reuses it on later runs (seeding is skipped when it exists);
 * --seed-only stops after seeding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDB, queryRows, type DuckDBConnection } from '@social-pulse/runtime';
import { DUCKDB_DDL, DuckDBWarehouse, ROLLUPS_STATE_KEY, ROLLUPS_VERSION } from '@social-pulse/warehouse';
import { parseCount } from '../../generate/count.ts';
import { startDashboardApp } from '../lib.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const END = '2026-11-24T00:00:00Z';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? parseCount(process.argv[i + 1] ?? '', name) : fallback;
  if (v <= 0) throw new Error(`--${name} expects a positive number such as 1000, 100k or 1m`);
  return v;
}

const WORDS = ['duckdb', 'parquet', 'spark', 'airflow', 'dbt', 'kafka', 'iceberg', 'snowflake', 'bigquery', 'postgres', 'pipeline', 'lakehouse', 'streaming', 'orchestration', 'warehouse', 'python', 'rust', 'sql', 'schema', 'quality'];
const TOPICS = ['databases', 'orchestration', 'streaming', 'cloud', 'careers', 'ml', 'analytics', 'governance', 'open source', 'big data', 'tooling', 'performance'];
const ENTITIES = ['DuckDB', 'Snowflake', 'Databricks', 'Airflow', 'dbt', 'Kafka', 'Spark', 'BigQuery', 'Postgres', 'Iceberg', 'Google', 'Amazon', 'Microsoft', 'Confluent', 'Fivetran', 'Dagster', 'Prefect', 'ClickHouse', 'Trino', 'Polars'];
const lit = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** A pseudo-random integer in [0, n) from the row number and a salt (deterministic). */
const rnd = (salt: string, n: number) => `CAST(hash(i, '${salt}') % ${n} AS BIGINT)`;
/** Skewed toward 0 (a few values get most rows), in [0, n). */
const zipf = (salt: string, n: number) => `CAST(floor(pow((hash(i, '${salt}') % 10000) / 10000.0, 3) * ${n}) AS BIGINT)`;

async function seed(file: string, n: number): Promise<void> {
  const { db, conn } = await openDuckDB(file);
  try {
    for (const ddl of DUCKDB_DDL) await conn.run(ddl);
    const span = 365 * 86400;
    await conn.run(`
INSERT INTO posts
SELECT src || ':' || i, src, CAST(i AS VARCHAR), 'https://example.org/' || src || '/' || i,
       CASE WHEN src IN ('hackernews', 'reddit') THEN 'story' WHEN src = 'stackexchange' THEN 'question' ELSE 'post' END,
       NULL, NULL, 'a' || author, 'user' || author, 'User ' || author, NULL,
       TIMESTAMPTZ '${END}' - to_seconds(CAST((${n} - i) * ${span} / ${n} AS BIGINT)), TIMESTAMPTZ '${END}',
       list_element(['en', 'en', 'en', 'de', 'fr', 'es', 'ja'], 1 + ${rnd('lang', 7)}),
       CASE WHEN src IN ('hackernews', 'reddit', 'stackexchange') THEN 'Story ' || i || ' on ' || w1 END,
       'Post ' || i || ' about ' || w1 || ' and ' || w2 || ', with a few more words to make it as long as a real post',
       CASE WHEN src IN ('mastodon', 'bluesky', 'x') THEN eng END,
       CASE WHEN src IN ('mastodon', 'bluesky', 'x') THEN eng // 4 END,
       eng // 3,
       CASE WHEN src IN ('bluesky', 'x') THEN eng // 10 END,
       CASE WHEN src IN ('hackernews', 'reddit', 'stackexchange') THEN eng * 3 END,
       ['tag' || ${zipf('t1', 300)}, w1], [], CASE WHEN ${rnd('l', 10)} < 3 THEN ['https://site' || ${zipf('d', 400)} || '.example.com/a/' || ${zipf('u', 20000)}] ELSE [] END,
       ['q'], NULL
FROM (
  SELECT i, list_element(['mastodon', 'hackernews', 'bluesky', 'reddit', 'x', 'stackexchange'], 1 + ${rnd('src', 6)}) AS src,
         ${zipf('author', 50000)} AS author,
         list_element(${lit(WORDS)}, 1 + ${zipf('w1', WORDS.length)}) AS w1,
         list_element(${lit(WORDS)}, 1 + ${rnd('w2', WORDS.length)}) AS w2,
         CAST(floor(exp(${rnd('eng', 1000)} / 1000.0 * 7)) - 1 AS BIGINT) AS eng
  FROM range(1, ${n + 1}) AS r(i))`);
    await conn.run(`
INSERT INTO post_nlp
SELECT post_id, created_at, 'h' || i, [{'task': 'all', 'model': 'bench'}],
       [{'label': list_element(${lit(TOPICS)}, 1 + ${zipf('t', TOPICS.length)}), 'score': 0.9}],
       CASE WHEN ${rnd('e', 10)} < 6 THEN [{'type': CASE WHEN ${rnd('et', 2)} = 0 THEN 'product' ELSE 'corporation' END,
                                             'text': list_element(${lit(ENTITIES)}, 1 + ${zipf('en', ENTITIES.length)}), 'score': 0.9}] ELSE [] END,
       list_element(['negative', 'neutral', 'positive'], 1 + ${rnd('s', 3)}), 0.8, TIMESTAMPTZ '${END}'
FROM (SELECT post_id, created_at, CAST(native_id AS BIGINT) AS i FROM posts) WHERE ${rnd('nlp', 10)} < 9`);
    await seedObservations(conn);
    for (const src of ['mastodon', 'hackernews', 'bluesky', 'reddit', 'x', 'stackexchange']) {
      await conn.run(`INSERT INTO pipeline_runs VALUES ('r1', 'scrape', '${src}', TIMESTAMPTZ '${END}' - INTERVAL 1 HOUR, TIMESTAMPTZ '${END}' - INTERVAL 59 MINUTE, 'ok', 100, 100, 0, 0, NULL, NULL)`);
    }
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * The posts' engagement history, as tools/bench/refresh seeds it: each post's first observation
 * (`pulse write` records one per post of every page) 1–51 minutes after its creation, then 0–2
 * refreshes 12 hours apart (one per run, within refresh.window), 1% of second refreshes finding
 * the post deleted; none after the newest post. About 2 observations per post, inserted in time
 * order as loads leave them. Returns how many.
 */
async function seedObservations(conn: DuckDBConnection): Promise<number> {
  const h = (salt: string) => `(hash(post_id, '${salt}') % 1000)`;
  const at = `created_at + to_seconds(CAST(60 + ${h('t')} * 3 + k * 43200 AS BIGINT))`;
  await conn.run(`
INSERT INTO post_metrics
WITH k AS (SELECT post_id, source, created_at, ${ENG_OF_POST} AS eng, unnest(range(0, 1 + CAST(${h('n')} % 3 AS BIGINT))) AS k FROM posts)
SELECT post_id, source, ${at} AS observed_at,
       CAST(eng * (k + 1) / 3 AS BIGINT), CAST(eng * (k + 1) / 12 AS BIGINT), CAST(eng * (k + 1) / 9 AS BIGINT), NULL, NULL, NULL,
       k = 2 AND ${h('d')} < 10
FROM k WHERE ${at} <= (SELECT max(created_at) FROM posts)
ORDER BY observed_at, post_id`);
  return count(conn, 'post_metrics');
}

const ENG_OF_POST = 'COALESCE(like_count, 0) + COALESCE(repost_count, 0) + COALESCE(reply_count, 0) + COALESCE(quote_count, 0) + COALESCE(score, 0)';

async function count(conn: DuckDBConnection, table: string): Promise<number> {
  return Number((await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
}

/** The peak resident memory of a process so far, in MB (Linux; NaN elsewhere). */
function peakMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function startDashboard(config: string): Promise<{ url: string; peakMb(): number; stop(): Promise<void> }> {
  const { child, url, stop } = await startDashboardApp(ROOT, config);
  return { url, peakMb: () => peakMb(child.pid), stop };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

/** The naive design: every row of the view into Node, panels computed in JavaScript. */
async function naive(file: string, periodDays: number): Promise<number> {
  const { db, conn } = await openDuckDB(file, { readOnly: true });
  try {
    const t0 = performance.now();
    const rows = await queryRows<Record<string, unknown>>(
      conn,
      `SELECT post_id, source, author_id, created_at, like_count, repost_count, reply_count, quote_count, score, hashtags, text
       FROM posts WHERE created_at >= TIMESTAMPTZ '${END}' - to_days(${periodDays}) AND created_at < TIMESTAMPTZ '${END}'`,
    );
    const n = (v: unknown) => (v === null ? 0 : Number(v));
    const authors = new Set<string>();
    const tags = new Map<string, number>();
    const bySource = new Map<string, { sum: number; count: number }>();
    let engagement = 0;
    for (const r of rows) {
      const e = n(r.like_count) + n(r.repost_count) + n(r.reply_count) + n(r.quote_count) + n(r.score);
      engagement += e;
      authors.add(`${r.source}:${r.author_id}`);
      for (const t of r.hashtags as string[]) tags.set(t, (tags.get(t) ?? 0) + 1);
      const s = bySource.get(r.source as string) ?? { sum: 0, count: 0 };
      s.sum += e;
      s.count += 1;
      bySource.set(r.source as string, s);
    }
    const end = Date.parse(END);
    const scored = rows.map((r) => {
      const s = bySource.get(r.source as string)!;
      const e = n(r.like_count) + n(r.repost_count) + n(r.reply_count) + n(r.quote_count) + n(r.score);
      return { id: r.post_id, v: e / (s.sum / s.count || 1) / Math.pow((end - (r.created_at as Date).getTime()) / 3600e3 + 2, 1.8) };
    });
    scored.sort((a, b) => b.v - a.v);
    [...tags].sort((a, b) => b[1] - a[1]).slice(0, 20);
    if (!Number.isFinite(engagement) || !authors.size) throw new Error('naive baseline computed nothing');
    return performance.now() - t0;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function main(): Promise<void> {
  const n = arg('posts', 1_000_000);
  const repeat = arg('repeat', 7);
  const dir = await mkdtemp(path.join(process.env.PULSE_BENCH_DIR ?? os.tmpdir(), 'pulse-bench-dashboard-'));
  try {
    const k = process.argv.indexOf('--keep');
    const file = k >= 0 ? path.resolve(process.argv[k + 1]!) : path.join(dir, 'warehouse.duckdb');
    const config = path.join(dir, 'pulse.config.yaml');
    await writeFile(config, `warehouse: duckdb:${file}\nsources: []\n`);
    // The posts the warehouse holds: --posts when seeded here, counted when a kept file is reused.
    let total = n;
    let observations: number;
    if (existsSync(file)) {
      const { db, conn } = await openDuckDB(file);
      try {
        total = await count(conn, 'posts');
        observations = await count(conn, 'post_metrics');
        // A file kept before the benchmark seeded observations gets them now.
        const added = observations ? '' : `; seeded ${(observations = await seedObservations(conn)).toLocaleString('en-US')} observations`;
        process.stdout.write(`reusing ${file} (${total.toLocaleString('en-US')} posts, ${observations.toLocaleString('en-US')} observations${added})\n\n`);
      } finally {
        conn.closeSync();
        db.closeSync();
      }
    } else {
      const t0 = performance.now();
      await seed(file, n);
      const { db, conn } = await openDuckDB(file, { readOnly: true });
      try {
        observations = await count(conn, 'post_metrics');
      } finally {
        conn.closeSync();
        db.closeSync();
      }
      process.stdout.write(`seeded ${n.toLocaleString('en-US')} posts and ${observations.toLocaleString('en-US')} observations (${os.availableParallelism()} cores) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n\n`);
    }
    if (process.argv.includes('--seed-only')) return;

    const views: [string, string][] = [
      ['7d', `period=7d&end=${END}`],
      ['30d', `period=30d&end=${END}`],
      ['365d', `period=365d&end=${END}`],
      ['30d source', `period=30d&end=${END}&source=mastodon`],
      // A view that ends mid-day (as one ending now does): its partial days are read from posts.
      ['30d mid-day', 'period=30d&end=2026-11-23T13:30:00Z'],
      ['30d topic', `period=30d&end=${END}&topic=databases`],
      ['30d entity', `period=30d&end=${END}&entity=duckdb`],
      ['30d search', `period=30d&end=${END}&q=lakehouse`],
    ];
    const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
    process.stdout.write(`load average before: ${load()}\n`);
    // Opening the warehouse for writing builds its rollups when it has none.
    const tb = performance.now();
    const wh = await DuckDBWarehouse.open(file);
    try {
      await wh.ensureSchema();
    } finally {
      await wh.close();
    }
    process.stdout.write(`rollups ready (built if missing) in ${((performance.now() - tb) / 1000).toFixed(1)} s\n\n`);

    const rolled = await measure(config, views, repeat);
    const rawRepeat = Math.min(repeat, arg('raw-repeat', 5));
    // The raw queries: the rollups hidden from the dashboard for the while (then put back).
    await setRollupsVisible(file, false);
    let raw: Awaited<ReturnType<typeof measure>>;
    try {
      raw = await measure(config, views, rawRepeat);
    } finally {
      await setRollupsVisible(file, true);
    }
    const { timings, posts, serverPeak } = rolled;
    for (const [name] of views) {
      if (raw.posts.get(name) !== posts.get(name)) throw new Error(`${name}: the raw queries count ${raw.posts.get(name)} posts, the rollups ${posts.get(name)}`);
    }
    printTable('rollups', timings, posts, views);
    process.stdout.write(`peak memory of the dashboard process: ${serverPeak.toFixed(0)} MB\n\n`);
    printTable(`raw queries (same server and views, rollups hidden; ${rawRepeat} timed requests per view)`, raw.timings, raw.posts, views);
    process.stdout.write(`peak memory of the dashboard process: ${raw.serverPeak.toFixed(0)} MB\n\n`);
    const pageRows = views.map(([v]) => {
      const a = timings.get(v)!.get('whole request')!;
      const b = raw.timings.get(v)!.get('whole request')!;
      return [v, `${ms(pct(a, 50))}/${ms(pct(a, 95))}`, `${ms(pct(b, 50))}/${ms(pct(b, 95))}`, `${(pct(b, 95) / pct(a, 95)).toFixed(1)}×`];
    });
    process.stdout.write(`whole page (ms, p50/p95), rollups beside raw queries, same run:\n${table(['view', 'rollups', 'raw queries', 'raw p95 / rollups p95'], pageRows)}\n\n`);
    process.stdout.write(`load average after: ${load()}\n\n`);

    const bi = process.argv.indexOf('--baseline-periods');
    const baselineDays = (bi >= 0 ? process.argv[bi + 1]! : '7,30,365') === 'none' ? [] : (bi >= 0 ? process.argv[bi + 1]! : '7,30,365').split(',').map(Number);
    for (const d of baselineDays) if (![7, 30, 365].includes(d)) throw new Error('--baseline-periods takes some of 7,30,365, or none');
    const base: string[][] = [];
    const ratios: string[] = [];
    for (const days of baselineDays) {
      const xs: number[] = [];
      for (let k = 0; k < Math.max(3, Math.ceil(repeat / 2)); k++) xs.push(await naive(file, days));
      const sql = timings.get(`${days}d`)!;
      const ours = ['headline', 'hashtags', 'trending'].map((p) => pct(sql.get(p)!, 50)).reduce((a, b) => a + b, 0);
      base.push([`${days}d`, `${ms(pct(xs, 50))}/${ms(pct(xs, 95))}`, ms(ours), `${(pct(xs, 50) / ours).toFixed(1)}×`]);
      ratios.push(`${days}d ×${(pct(xs, 50) / ours).toFixed(1)}`);
    }
    if (baselineDays.length) {
      process.stdout.write(`baseline: the view's rows into Node, headline + hashtags + trending computed per row\n`);
      process.stdout.write(`${table(['period', 'naive p50/p95', 'SQL panels p50 (sum of 3)', 'naive / SQL'], base)}\n\n`);
    }

    // The summary: the whole page at p95 per view, rollups and raw queries, and the slowest panel.
    const slowest = views.map(([v]) => {
      const [panel, xs] = [...timings.get(v)!].filter(([p]) => p !== 'whole request').sort((a, b) => pct(b[1], 50) - pct(a[1], 50))[0]!;
      const page = timings.get(v)!.get('whole request')!;
      const rawPage = raw.timings.get(v)!.get('whole request')!;
      return `${v} ${ms(pct(page, 95))} ms (raw ${ms(pct(rawPage, 95))} ms, ×${(pct(rawPage, 95) / pct(page, 95)).toFixed(1)}; slowest panel ${panel} ${ms(pct(xs, 50))} ms)`;
    });
    process.stdout.write(`summary: dashboard over ${total.toLocaleString('en-US')} posts and ${observations.toLocaleString('en-US')} observations, whole page at p95 per view: ${slowest.join(', ')}` +
      `${ratios.length ? `; naive baseline slower by ${ratios.join(', ')}` : ''}; dashboard peak ${serverPeak.toFixed(0)} MB; load average ${load()}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Hides the rollups from the dashboard (it then reads posts for every panel), or shows them again. */
async function setRollupsVisible(file: string, visible: boolean): Promise<void> {
  const { db, conn } = await openDuckDB(file);
  try {
    await conn.run(`DELETE FROM pulse_state WHERE "key" = '${ROLLUPS_STATE_KEY}'`);
    if (visible) await conn.run(`INSERT INTO pulse_state VALUES ('${ROLLUPS_STATE_KEY}', '${ROLLUPS_VERSION}', now())`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Each view requested repeat + 1 times (the first warms up); every panel's time and the whole request's. */
async function measure(config: string, views: [string, string][], repeat: number) {
    const server = await startDashboard(config);
    const timings = new Map<string, Map<string, number[]>>(); // view → panel → ms
    const posts = new Map<string, number>();
    let serverPeak = NaN;
    try {
      for (const [name, qs] of views) {
        const perPanel = new Map<string, number[]>();
        for (let k = 0; k <= repeat; k++) {
          const t = performance.now();
          const res = await fetch(`${server.url}/api/dashboard?${qs}`);
          const body = (await res.json()) as { timings: Record<string, number>; headline: { current: { posts: number } }; error?: string };
          if (!res.ok) throw new Error(`${name}: ${body.error}`);
          const wall = performance.now() - t;
          if (k === 0) continue; // the first request opens the file and warms the caches
          posts.set(name, body.headline.current.posts);
          for (const [panel, v] of [...Object.entries(body.timings), ['whole request', wall] as const]) {
            if (!perPanel.has(panel)) perPanel.set(panel, []);
            perPanel.get(panel)!.push(v);
          }
        }
        timings.set(name, perPanel);
      }
      serverPeak = server.peakMb();
    } finally {
      await server.stop();
    }
    return { timings, posts, serverPeak };
}

function printTable(title: string, timings: Map<string, Map<string, number[]>>, posts: Map<string, number>, views: [string, string][]): void {
  const panels = [...new Set([...timings.values()].flatMap((m) => [...m.keys()]))];
  const head = [`${title}: panel (ms, p50/p95)`, ...views.map(([v]) => v)];
  const rows = panels.map((p) => [p, ...views.map(([v]) => {
    const xs = timings.get(v)!.get(p) ?? [];
    return xs.length ? `${ms(pct(xs, 50))}/${ms(pct(xs, 95))}` : '-';
  })]);
  rows.push(['posts in view', ...views.map(([v]) => (posts.get(v) ?? 0).toLocaleString('en-US'))]);
  process.stdout.write(`${table(head, rows)}\n\n`);
}

await main();
