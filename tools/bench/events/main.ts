/**
 * Benchmark of the event detector (libs/warehouse/src/events) on a DuckDB warehouse.
 *
 * 1. Seeds a warehouse with N synthetic posts over 5 weeks (DuckDB `range()`): hashtags from a
 *    skewed pool of 2,000 (two per post), NLP labels (a topic, an entity on 60%) on 90%.
 * 2. First pass over the whole history (what a new warehouse does once).
 * 3. Incremental pass, as after an hourly load: one new hour of posts (N / 840, the average
 *    hour) with a planted spike of one hashtag, then `detectEvents` — it recounts only the
 *    hours touched (plus a 6-hour overlap) and judges them.
 * 4. Baseline, in the same run: recompute everything — the same code with its watermark
 *    reset, so it recounts every hour of every key from posts and post_nlp and judges them
 *    all. It must find the same events (checked).
 *
 *   npx tsx tools/bench/events/main.ts [--posts 1m] [--repeat 3] [--keep FILE]
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_DETECTOR, detectEvents, DuckDBWarehouse, EVENTS_WATERMARK } from '@social-pulse/warehouse';
import { parseCount } from '../../generate/count.ts';

const END = Date.parse('2026-11-23T00:00:00Z');
const HOURS = 35 * 24;
const HOUR = 3_600_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? parseCount(process.argv[i + 1] ?? '', name) : fallback;
  if (v <= 0) throw new Error(`--${name} expects a positive number such as 1000, 100k or 1m`);
  return v;
}
const TOPICS = ['databases', 'orchestration', 'streaming', 'cloud', 'careers', 'ml', 'analytics', 'governance', 'open source', 'big data', 'tooling', 'performance'];
const ENTITIES = ['DuckDB', 'Snowflake', 'Databricks', 'Airflow', 'dbt', 'Kafka', 'Spark', 'BigQuery', 'Postgres', 'Iceberg', 'Google', 'Amazon', 'Microsoft', 'Confluent', 'Fivetran', 'Dagster', 'Prefect', 'ClickHouse', 'Trino', 'Polars'];
const lit = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
const rnd = (salt: string, n: number) => `CAST(hash(i, '${salt}') % ${n} AS BIGINT)`;
const zipf = (salt: string, n: number) => `CAST(floor(pow((hash(i, '${salt}') % 10000) / 10000.0, 3) * ${n}) AS BIGINT)`;

/**
 * `n` posts numbered from `first`, created evenly over [fromMs, toMs) and collected 5 minutes
 * after (an hourly schedule); `tags` overrides the hashtags and leaves the posts unlabelled.
 */
async function insertPosts(w: DuckDBWarehouse, first: number, n: number, fromMs: number, toMs: number, tags?: string): Promise<void> {
  const span = Math.floor((toMs - fromMs) / 1000);
  await w.query(`
INSERT INTO posts (post_id, source, native_id, url, kind, author_id, author_handle, author_name, created_at, collected_at, "text", hashtags, mentions, links, queries)
SELECT 'x:' || i, 'x', CAST(i AS VARCHAR), 'https://x.com/i/' || i, 'post', 'a', 'a', 'A',
       TIMESTAMPTZ '${new Date(fromMs).toISOString()}' + to_seconds(CAST((i - ${first}) * ${span} / ${n} AS BIGINT)),
       TIMESTAMPTZ '${new Date(fromMs).toISOString()}' + to_seconds(CAST((i - ${first}) * ${span} / ${n} AS BIGINT)) + INTERVAL 5 MINUTE, 't',
       ${tags ?? `['tag' || ${zipf('t1', 2000)}, 'tag' || ${rnd('t2', 2000)}]`}, [], [], ['q']
FROM range(${first}, ${first + n}) AS r(i)`);
  if (tags) return;
  await w.query(`
INSERT INTO post_nlp
SELECT post_id, created_at, 'h', [{'task': 'all', 'model': 'bench'}],
       [{'label': list_element(${lit(TOPICS)}, 1 + ${zipf('t', TOPICS.length)}), 'score': 0.9}],
       CASE WHEN ${rnd('e', 10)} < 6 THEN [{'type': 'product', 'text': list_element(${lit(ENTITIES)}, 1 + ${zipf('en', ENTITIES.length)}), 'score': 0.9}] ELSE [] END,
       'neutral', 0.8, collected_at
FROM (SELECT post_id, created_at, collected_at, CAST(native_id AS BIGINT) AS i FROM posts WHERE CAST(native_id AS BIGINT) >= ${first} AND CAST(native_id AS BIGINT) < ${first + n})
WHERE ${rnd('nlp', 10)} < 9`);
}

const settings = { ...DEFAULT_DETECTOR, kinds: ['hashtag', 'entity', 'topic'] as const };
const secs = async <T>(f: () => Promise<T>): Promise<{ s: number; r: T }> => {
  const t0 = performance.now();
  const r = await f();
  return { s: (performance.now() - t0) / 1000, r };
};

async function main(): Promise<void> {
  const n = arg('posts', 1_000_000);
  const repeat = arg('repeat', 3);
  const keepAt = process.argv.indexOf('--keep');
  const dir = await mkdtemp(path.join(process.env.PULSE_BENCH_DIR ?? os.tmpdir(), 'pulse-bench-events-'));
  const file = keepAt >= 0 ? process.argv[keepAt + 1]! : path.join(dir, 'warehouse.duckdb');
  const fresh = !existsSync(file);
  const w = await DuckDBWarehouse.open(file, { memoryLimit: process.env.PULSE_BENCH_MEMORY ?? '4GB' });
  try {
    await w.ensureSchema();
    const start = END - HOURS * HOUR;
    let first: { s: number } = { s: NaN };
    if (fresh) {
      const seeded = await secs(() => insertPosts(w, 0, n, start, END));
      console.log(`seeded ${n.toLocaleString('en-US')} posts over ${HOURS / 24} days in ${seeded.s.toFixed(1)} s`);
      first = await secs(() => detectEvents(w, { ...settings, kinds: [...settings.kinds], now: new Date(END + 5 * 60_000) }));
    }
    const perHour = Math.max(1, Math.round(n / HOURS));
    const rows: string[][] = [];
    let next = n;
    for (let k = 0; k < repeat; k++) {
      // One more hour of posts, with a planted spike of #breaking.
      const hourStart = END + k * HOUR;
      await insertPosts(w, next, perHour, hourStart, hourStart + HOUR);
      next += perHour;
      await insertPosts(w, next, 300, hourStart, hourStart + HOUR, `['breaking${k}']`);
      next += 300;
      const now = new Date(hourStart + HOUR + 5 * 60_000);
      const inc = await secs(() => detectEvents(w, { ...settings, kinds: [...settings.kinds], now }));
      const before = await w.query<{ n: number }>('SELECT count(*) AS n FROM events');
      // The baseline: the same detector with its watermark reset recounts and judges everything.
      await w.setState(EVENTS_WATERMARK, '0001-01-01T00:00:00.000Z');
      const all = await secs(() => detectEvents(w, { ...settings, kinds: [...settings.kinds], now }));
      const after = await w.query<{ n: number }>('SELECT count(*) AS n FROM events');
      if (all.r.opened.length || before[0]!.n !== after[0]!.n) throw new Error(`recomputing everything changed the events: ${before[0]!.n} → ${after[0]!.n}, ${all.r.opened.length} opened`);
      const win = inc.r.window!;
      rows.push([
        String(k + 1), `${(Date.parse(win.to) - Date.parse(win.from)) / HOUR} h`, inc.s.toFixed(2), `${(Date.parse(all.r.window!.to) - Date.parse(all.r.window!.from)) / HOUR} h`, all.s.toFixed(2),
        `${(all.s / inc.s).toFixed(1)}×`, String(inc.r.opened.filter((e) => e.status === 'open').map((e) => `${e.kind}:${e.key}`).join(' ')),
      ]);
    }
    const [counts] = await w.query<{ n: number }>('SELECT count(*) AS n FROM event_counts');
    const [events] = await w.query<{ n: number }>('SELECT count(*) AS n FROM events');
    console.log(`posts ${n.toLocaleString('en-US')}: event_counts ${Number(counts!.n).toLocaleString('en-US')} rows, events ${Number(events!.n)}; first pass over all history ${Number.isNaN(first.s) ? '(kept file)' : `${first.s.toFixed(2)} s`}`);
    const head = ['run', 'incremental window', 'incremental s', 'recompute window', 'recompute-all s', 'speed-up', 'opened (open)'];
    const w2 = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padStart(w2[i]!))).join('  ');
    console.log([line(head), ...rows.map(line)].join('\n'));
  } finally {
    await w.close();
    if (keepAt < 0) await rm(dir, { recursive: true, force: true });
  }
}

await main();
