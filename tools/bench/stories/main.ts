/**
 * Benchmark of stories (libs/warehouse stories.ts) on a DuckDB warehouse.
 *
 * 1. Seeds N synthetic posts over a year (DuckDB `range()`): six sources, 20 random words of
 *    a 5,000-word vocabulary each; 30% share one of N/20 links (Zipf-like, written with
 *    tracking parameters, `www.`, trailing slashes, http/https at random); 5% are cross-posts
 *    repeating another post's text on another network.
 * 2. Baseline, recompute everything: empty the story tables and assign every post in one run.
 * 3. Incremental, in the same run: --loads batches of --batch new posts (as a load brings them:
 *    new links and texts, some joining existing stories), each followed by updateStories as the
 *    loader calls it (over the days the load touched); then as many batches again with the
 *    pass over the whole table, as the loader called it on DuckDB until 2026-12-03.
 * 4. An idle load's pass (nothing new), both ways: no day (the loader now) and the whole table.
 * 5. Baseline again at the final size, recompute everything, for the same-size comparison.
 *
 *   npx tsx tools/bench/stories/main.ts [--posts 1m] [--batch 10k] [--loads 3] [--keep FILE]
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBWarehouse, updateStories, type Warehouse } from '@social-pulse/warehouse';
import { parseCount } from '../../generate/count.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? parseCount(process.argv[i + 1] ?? '', name) : fallback;
  if (v <= 0) throw new Error(`--${name} expects a positive number such as 1000, 100k or 1m`);
  return v;
}

const END = '2026-11-24T00:00:00Z';
const SOURCES = `['mastodon', 'hackernews', 'bluesky', 'reddit', 'x', 'stackexchange']`;
const rnd = (salt: string, n: number) => `CAST(hash(i, '${salt}') % ${n} AS BIGINT)`;

/** Posts i in [lo, hi) of a corpus of `total`: created in time order over a year, collected at `collected`. */
function insertPosts(lo: number, hi: number, total: number, collected: string): string {
  const span = 365 * 86400;
  const links = Math.max(1, Math.floor(total / 20));
  // Text of post i, or of an earlier post (a cross-post) for 5% of them.
  const words = (k: string) => `array_to_string(list_transform(range(20), j -> 'w' || CAST(hash(${k}, j) % 5000 AS VARCHAR)), ' ')`;
  return `
INSERT INTO posts
SELECT src || ':' || i, src, CAST(i AS VARCHAR), 'https://example.org/' || src || '/' || i, 'post', NULL, NULL,
       'a' || ${rnd('author', 50000)}, 'user' || ${rnd('author', 50000)}, 'User', NULL,
       TIMESTAMPTZ '${END}' - to_seconds(CAST((${total} - i) * ${span} / ${total} AS BIGINT)), TIMESTAMPTZ '${collected}', 'en',
       NULL, ${words('CASE WHEN ' + rnd('xp', 20) + ' = 0 THEN i - 1 - ' + rnd('xpd', 50) + ' ELSE i END')},
       ${rnd('likes', 50)}, ${rnd('reposts', 10)}, ${rnd('replies', 10)}, NULL, NULL, [], [],
       CASE WHEN ${rnd('l', 10)} < 3 THEN [
         list_element(['https://', 'http://', 'https://www.'], 1 + ${rnd('scheme', 3)}) || 'site' || ${rnd('d', 400)} || '.example.com/a/' ||
         CAST(floor(pow((hash(i, 'u') % 10000) / 10000.0, 2) * ${links}) AS BIGINT) ||
         list_element(['', '/', '?utm_source=feed', '/?ref=front#c', '?fbclid=x' || i], 1 + ${rnd('track', 5)})] ELSE [] END,
       ['q'], NULL
FROM (SELECT i, list_element(${SOURCES}, 1 + ${rnd('src', 6)}) AS src FROM range(${lo}, ${hi}) AS r(i))`;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
}

async function clearStories(w: Warehouse): Promise<void> {
  await w.query(`DELETE FROM story_posts; DELETE FROM story_keys; DELETE FROM stories; DELETE FROM pulse_state WHERE "key" = 'stories.done'`);
  await w.query('CHECKPOINT');
}

async function counts(w: Warehouse): Promise<string> {
  const [r] = await w.query<{ p: number; s: number; multi: number; nets: number }>(
    `SELECT (SELECT count(*) FROM story_posts) AS p, (SELECT count(*) FROM stories) AS s,
            (SELECT count(*) FROM stories WHERE posts >= 2) AS multi, (SELECT count(*) FROM stories WHERE len(sources) >= 3) AS nets`,
  );
  return `${r!.p} posts in ${r!.s} stories (${r!.multi} with 2+ posts, ${r!.nets} on 3+ networks)`;
}

async function main(): Promise<void> {
  const n = arg('posts', 1_000_000);
  const batch = arg('batch', 10_000);
  const loads = arg('loads', 3);
  const k = process.argv.indexOf('--keep');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-stories-'));
  const file = k >= 0 ? process.argv[k + 1]! : path.join(dir, 'bench.duckdb');
  const total = n + batch * loads * 2;
  const seeded = existsSync(file);
  const w = await DuckDBWarehouse.open(file);
  try {
    await w.ensureSchema();
    if (!seeded) {
      const [, s] = await timed(() => w.query(insertPosts(1, n + 1, total, '2026-11-24T00:00:00Z')));
      console.log(`seeded ${n.toLocaleString('en-US')} posts in ${s.toFixed(1)} s`);
      await w.query('CHECKPOINT');
    }
    await clearStories(w);

    console.log(`\nbaseline: recompute everything over ${n.toLocaleString('en-US')} posts`);
    const [, full1] = await timed(() => updateStories(w, { now: new Date('2026-11-24T01:00:00Z') }));
    console.log(`  ${full1.toFixed(2)} s  ${await counts(w)}`);

    // The days a batch's posts fall in, as the warehouse's load reports them (LoadResult.partitions).
    const daysOf = async (collected: string) => {
      const [r] = await w.query<{ lo: string; hi: string }>(
        `SELECT strftime(min(created_at) AT TIME ZONE 'UTC', '%Y-%m-%d') AS lo, strftime(max(created_at) AT TIME ZONE 'UTC', '%Y-%m-%d') AS hi FROM posts WHERE collected_at = CAST($c AS TIMESTAMPTZ)`,
        { c: collected },
      );
      return { from: `${r!.lo}T00:00:00.000Z`, to: new Date(Date.parse(`${r!.hi}T00:00:00.000Z`) + 86_400_000).toISOString() };
    };
    const inc: number[] = [];
    const whole: number[] = [];
    for (const [how, times] of [['over the days each load touched (the loader now)', inc], ['over the whole table (the loader until 2026-12-03)', whole]] as const) {
      console.log(`\nincremental: ${loads} loads of ${batch.toLocaleString('en-US')} new posts, ${how}`);
      for (let l = 0; l < loads; l++) {
        const b = times === inc ? l : loads + l;
        const lo = n + 1 + b * batch;
        const at = new Date(Date.parse('2026-11-24T02:00:00Z') + b * 3_600_000).toISOString();
        await w.query(insertPosts(lo, lo + batch, total, at));
        const partitions = times === inc ? await daysOf(at) : undefined;
        const [r, s] = await timed(() => updateStories(w, { now: new Date(Date.parse(at) + 60_000), ...(partitions ? { partitions } : {}) }));
        times.push(s);
        console.log(`  load ${l + 1}: ${s.toFixed(2)} s  (${r.assigned} posts assigned, ${r.created} new stories, ${r.stories} stories updated${partitions ? `; days ${partitions.from.slice(0, 10)} to ${partitions.to.slice(0, 10)}` : ''})`);
      }
    }
    console.log(`\nan idle load (nothing new):`);
    const idleAt = Date.parse('2026-11-24T23:00:00Z');
    const [, idleNow] = await timed(() => updateStories(w, { now: new Date(idleAt), partitions: null }));
    const [, idleWhole] = await timed(() => updateStories(w, { now: new Date(idleAt + 60_000) }));
    console.log(`  the loader now (no day): ${idleNow.toFixed(3)} s; over the whole table: ${idleWhole.toFixed(3)} s`);
    const after = await counts(w);

    console.log(`\nbaseline: recompute everything over ${total.toLocaleString('en-US')} posts`);
    await clearStories(w);
    const [, full2] = await timed(() => updateStories(w, { now: new Date('2026-11-25T00:00:00Z') }));
    console.log(`  ${full2.toFixed(2)} s  ${await counts(w)}`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\nincremental after the loads: ${after}`);
    console.log(
      `\nsummary: a load of ${batch.toLocaleString('en-US')} posts on ${n.toLocaleString('en-US')}: incremental ${mean(inc).toFixed(2)} s (mean of ${loads}), ` +
        `${mean(whole).toFixed(2)} s over the whole table, vs recompute-everything ${full2.toFixed(2)} s (${(full2 / mean(inc)).toFixed(0)}× faster); ` +
        `an idle load ${idleNow.toFixed(3)} s (${idleWhole.toFixed(3)} s over the whole table)`,
    );
  } finally {
    await w.close();
    if (k < 0) await rm(dir, { recursive: true, force: true });
  }
}

await main();
