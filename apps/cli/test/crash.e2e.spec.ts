import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows, seededRandom } from '@social-pulse/runtime';
import { algoliaHit, mastodonStatus, startFakeAlgolia, startFakeMastodon, type ReplayServer } from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

/**
 * Crash safety: `pulse run` is SIGKILLed at many points — at named points inside each step
 * (PULSE_TEST_CRASH_AT, recovered by the step retries of the same run) and at a seeded random
 * schedule of delays (the whole process group, or only the parent, whose step then finds
 * itself orphaned) — and after each kill the lake and the warehouse must still be readable.
 * Then one run to completion must leave exactly the posts of a run that was never interrupted.
 */

const PULSE = fileURLToPath(new URL('../bin/pulse.mjs', import.meta.url));
const SEED = Number(process.env.PULSE_CRASH_SEED ?? 20261124);
const KILLS = Number(process.env.PULSE_CRASH_KILLS ?? 6);

/** Seeded, so that runs are the same on every machine and replayable. */
const prng = seededRandom;

const servers: ReplayServer[] = [];
afterAll(async () => Promise.all(servers.splice(0).map((s) => s.close())));

/** Posts spread over several days (several partitions), several pages per query. */
function statuses(instance: string, n: number, first: bigint) {
  return Array.from({ length: n }, (_, i) =>
    mastodonStatus(String(first + BigInt(i)), instance, { created_at: new Date(Date.UTC(2026, 10, 18) + i * 47 * 60_000).toISOString() }),
  );
}

const CONTENT = `post_id, source, native_id, url, kind, parent_id, conversation_id, author_id, author_handle, author_name,
  author_followers, created_at, lang, title, text, like_count, repost_count, reply_count, quote_count, score,
  hashtags, mentions, links, queries, extra`;

/** Every post of the warehouse and of the lake (all columns but collected_at), and duplicate counts. */
/**
 * The warehouse, read-only, once no process holds its file lock. A killed step may still be
 * exiting (its memory gone, its files not yet closed) for a moment after its run was waited
 * for; DuckDB then refuses with "Could not set lock". Waited for on the lock itself, with a
 * generous bound: a process that kept the lock would still fail the test.
 */
async function openWarehouseReadOnly(file: string): ReturnType<typeof openDuckDB> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await openDuckDB(file, { readOnly: true });
    } catch (e) {
      if (!/Could not set lock/.test((e as Error).message) || Date.now() > deadline) throw e;
      await sleep(50);
    }
  }
}

async function snapshot(dir: string) {
  const wh = await openWarehouseReadOnly(path.join(dir, 'data/warehouse.duckdb'));
  const lake = await openDuckDB(':memory:');
  try {
    const warehouse = await queryRows<Record<string, unknown>>(wh.conn, `SELECT ${CONTENT} FROM posts ORDER BY post_id`);
    const glob = path.join(dir, 'data/lake/posts/**/*.parquet');
    const lakeRows = await queryRows<Record<string, unknown>>(lake.conn, `SELECT ${CONTENT} FROM read_parquet('${glob}', hive_partitioning = false) ORDER BY post_id`);
    const [d] = await queryRows<{ n: bigint }>(lake.conn, `SELECT count(*) - count(DISTINCT post_id) AS n FROM read_parquet('${glob}', hive_partitioning = false)`);
    return { warehouse: JSON.stringify(warehouse, (_, v) => (typeof v === 'bigint' ? Number(v) : v)), lake: JSON.stringify(lakeRows, (_, v) => (typeof v === 'bigint' ? Number(v) : v)), count: warehouse.length, lakeCount: lakeRows.length, lakeDuplicates: Number(d!.n) };
  } finally {
    wh.conn.closeSync();
    wh.db.closeSync();
    lake.conn.closeSync();
    lake.db.closeSync();
  }
}

/** After a kill: every Parquet file of the lake reads, and the warehouse opens and answers. */
async function assertReadable(dir: string): Promise<void> {
  const lake = await openDuckDB(':memory:');
  try {
    await queryRows(lake.conn, `SELECT count(*) FROM read_parquet('${path.join(dir, 'data/lake/posts/**/*.parquet')}')`).catch((e: Error) => {
      if (!/No files found/.test(e.message)) throw e;
    });
  } finally {
    lake.conn.closeSync();
    lake.db.closeSync();
  }
  const wh = path.join(dir, 'data/warehouse.duckdb');
  const exists = await readFile(wh).then(() => true, () => false);
  if (!exists) return;
  const { db, conn } = await openWarehouseReadOnly(wh);
  try {
    await queryRows(conn, 'SELECT count(*) FROM posts');
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * Whether any process of the group `pgid` (a detached run and the steps it forked) still exists
 * and has not finished exiting (an orphan's zombie, which an init that does not reap keeps, holds
 * nothing): Linux's /proc says each process's group and state.
 */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // gone since
    }
  }
  return false;
};

/** Whether a process still exists and has not finished exiting (a zombie holds no file, no lock). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // Gone since, or no /proc (not Linux): then kill(pid, 0) is all there is to go by.
    return process.platform !== 'linux';
  }
};

/** Starts `pulse run` in its own process group and SIGKILLs it (the group, or the parent only) after `ms`. */
async function runAndKill(config: string, ms: number, parentOnly: boolean): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [PULSE, 'run', '--skip', 'enrich', '--config', config], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PULSE_LOG_LEVEL: 'silent' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const outcome = await Promise.race([exited.then(() => 'finished' as const), sleep(ms).then(() => 'timer' as const)]);
  if (outcome === 'finished') return 'finished';
  try {
    process.kill(parentOnly ? child.pid! : -child.pid!, 'SIGKILL');
  } catch {
    // it ended between the timer and the kill
  }
  await exited;
  // The step process stops by itself when only its parent was killed (it notices the parent is
  // gone); killed with its group, it may still be exiting, and holding the warehouse's file
  // lock, on a busy machine. Either way the next run must not start before it is gone. It is
  // waited for as a member of the run's process group, not by the pid in the run lock: the
  // parent may have started it and been killed before recording it there (compiled steps start
  // in a fraction of a second, so a kill can land in that window). A generous bound, since
  // nothing here is about speed.
  const deadline = Date.now() + 120_000;
  while (groupAlive(child.pid!) && Date.now() < deadline) await sleep(50);
  expect(groupAlive(child.pid!), 'a step process must exit with its run').toBe(false);
  // Leftover processes of the group (none expected) would hold the lake: make sure.
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group is gone
  }
  return 'killed';
}

// The bound only stops a hung test; nothing asserted depends on how long the runs take. On two
// cores shared with other work (load average 35) one uninterrupted run below took 397 s, and
// the whole test runs about nine.
describe('crash safety: SIGKILL anywhere, then one more run, gives exactly the posts of an uninterrupted run', { timeout: 5_400_000 }, () => {
  it(`survives named crash points and ${KILLS} kills at seeded random times (seed ${SEED})`, async () => {
    const m1 = await startFakeMastodon(() => statuses('mastodon.social', 130, 109000000000001000n));
    const m2 = await startFakeMastodon(() => statuses('fosstodon.org', 90, 109000000000005000n));
    const t0 = Date.UTC(2026, 10, 17) / 1000;
    const hn = await startFakeAlgolia(() => Array.from({ length: 260 }, (_, i) => algoliaHit(String(41000000 + i), t0 + i * 1500)));
    servers.push(m1, m2, hn);
    const yaml = `lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 2, backoffMs: 20 }
retry: { steps: 2, backoffMs: 0 }
sources:
  - type: mastodon
    instances: [${m1.url}, ${m2.url}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`;

    // The reference: one run, never interrupted.
    const ref = await workspace(yaml);
    const t = Date.now();
    const first = await pulse(['run', '--skip', 'enrich', '--config', ref.config]);
    const refMs = Date.now() - t;
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const expected = await snapshot(ref.dir);
    expect(expected.count).toBe(130 + 90 + 260);

    // 1. A kill at named points inside the steps; the step retry of the same run recovers.
    const ws = await workspace(yaml);
    const crashDir = path.join(ws.dir, 'crashes');
    await mkdir(crashDir);
    const points = 'scrape.landed#3,scrape.saved#5,lake-write.merged#1,load.merged#1';
    const named = await pulse(['run', '--skip', 'enrich', '--config', ws.config], { PULSE_TEST_CRASH_AT: points, PULSE_TEST_CRASH_DIR: crashDir });
    expect(named.code, named.stdout + named.stderr).toBe(0);
    expect(named.stdout).toMatch(/scrape\s+attempt 1 failed \(the step process was killed by SIGKILL\); trying again/);
    expect(named.stdout).toMatch(/lake-write\s+attempt 1 failed/);
    expect(named.stdout).toMatch(/load\s+attempt 1 failed/);
    await assertReadable(ws.dir);
    expect(await snapshot(ws.dir)).toEqual(expected);
    const { db, conn } = await openWarehouseReadOnly(path.join(ws.dir, 'data/warehouse.duckdb'));
    const history = await queryRows<{ step: string; status: string; retries: bigint; details: string }>(
      conn,
      `SELECT step, status, retries, details FROM pipeline_runs WHERE source = '*' ORDER BY started_at`,
    );
    conn.closeSync();
    db.closeSync();
    expect(history.map((h) => [h.step, h.status])).toEqual([['scrape', 'ok'], ['lake-write', 'ok'], ['load', 'ok']]);
    for (const h of history) {
      expect(Number(h.retries)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(h.details).failedAttempts[0]).toMatch(/killed by SIGKILL/);
    }

    // 2. Kills at random times over a fresh lake, each followed by a readability check.
    const rnd = prng(SEED);
    const chaos = await workspace(yaml);
    const outcomes: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Early kills land in the scrape; later ones reach the lake write and the load.
      const ms = 300 + rnd() * refMs;
      const parentOnly = rnd() < 0.3;
      outcomes.push(`${Math.round(ms)}ms${parentOnly ? ' (parent)' : ''}: ${await runAndKill(chaos.config, ms, parentOnly)}`);
      await assertReadable(chaos.dir);
    }
    const last = await pulse(['run', '--skip', 'enrich', '--config', chaos.config]);
    expect(last.code, `${outcomes.join(', ')}\n${last.stdout}${last.stderr}`).toBe(0);
    const got = await snapshot(chaos.dir);
    expect(got.lakeDuplicates, outcomes.join(', ')).toBe(0);
    expect(got.count).toBe(expected.count);
    expect(got.lakeCount).toBe(expected.lakeCount);
    expect(got, outcomes.join(', ')).toEqual(expected);

    // Runs that died are closed in the history, not left "running".
    const st = JSON.parse((await pulse(['status', '--json', '--config', chaos.config])).stdout);
    expect(st.last_run.status).toBe('ok');
    const h = await openWarehouseReadOnly(path.join(chaos.dir, 'data/warehouse.duckdb'));
    const running = await queryRows<{ n: bigint }>(h.conn, `SELECT count(*) AS n FROM pipeline_runs WHERE status = 'running'`);
    h.conn.closeSync();
    h.db.closeSync();
    expect(Number(running[0]!.n)).toBe(0);
    await Promise.all([ref.dir, ws.dir, chaos.dir].map((d) => rm(d, { recursive: true, force: true })));
  });
});

describe('a run stopped from outside', { timeout: 600_000 }, () => {
  it('says on stdout that SIGTERM stopped it, and in which step, and leaves no step running', async () => {
    // A source that never answers keeps the scrape step busy until the signal comes.
    const m = await startFakeMastodon(() => statuses('mastodon.social', 5, 109000000000001000n), () => 'hang');
    servers.push(m);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
sources:
  - type: mastodon
    instances: [${m.url}]
    tags: [dataengineering]
`);
    const child = spawn(process.execPath, [PULSE, 'run', '--skip', 'enrich', '--config', ws.config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PULSE_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    // The scrape step has sent its first request: it is under way.
    while (!m.requests.length && child.exitCode === null) await sleep(50);
    // The run lock names the step's process (written when it was forked).
    let lock: { child?: number } = {};
    for (let i = 0; i < 2400 && !lock.child; i++) {
      lock = await readFile(path.join(ws.dir, 'data/lake/_state/run.lock'), 'utf8').then((t) => JSON.parse(t) as { child?: number }, () => ({}));
      if (!lock.child) await sleep(50);
    }
    child.kill('SIGTERM');
    const end = await exited;
    expect(end, stdout).toEqual({ code: 143, signal: null });
    expect(stdout).toMatch(/pulse run: stopped by SIGTERM while scrape \(attempt 1\) ran; the next run resumes/);
    // The step process, orphaned, stops by itself.
    expect(lock.child).toBeGreaterThan(0);
    const deadline = Date.now() + 120_000;
    while (alive(lock.child!) && Date.now() < deadline) await sleep(50);
    expect(alive(lock.child!), 'the step process must exit with its run').toBe(false);
    await rm(ws.dir, { recursive: true, force: true });
  });
});
