import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB, sqlStringList } from '@social-pulse/runtime';
import { duckdbColumnsLiteral, posts as postsTable, type Post } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { DuckDBWarehouse, readerThreads, Waiters } from './warehouse.ts';

const post = (id: string, over: Partial<Post> = {}): Post => ({
  post_id: `x:${id}`, source: 'x', native_id: id, url: `https://x.com/i/status/${id}`, kind: 'post', parent_id: null,
  conversation_id: null, author_id: '1', author_handle: 'a', author_name: 'A', author_followers: 10,
  created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z', lang: 'en', title: null, text: 't',
  like_count: 1, repost_count: 0, reply_count: 0, quote_count: 0, score: null, hashtags: [], mentions: [], links: [],
  queries: ['q'], extra: null, ...over,
});

async function parquetOf(rows: Post[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
  const json = path.join(dir, 'rows.ndjson');
  await writeFile(json, rows.map((r) => JSON.stringify(r)).join('\n'));
  const out = path.join(dir, 'rows.parquet');
  const { conn } = await openDuckDB(':memory:');
  await conn.run(`COPY (SELECT * FROM read_json(${sqlStringList([json])}, format='newline_delimited', columns=${duckdbColumnsLiteral(postsTable)})) TO '${out}' (FORMAT parquet)`);
  return out;
}

describe('DuckDBWarehouse', () => {
  it('merges on post_id: inserts, updates newer states, ignores older ones, and is idempotent', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
    const w = await DuckDBWarehouse.open(path.join(dir, 'w.duckdb'));
    await w.ensureSchema();
    const f1 = await parquetOf([post('1'), post('2')]);
    // partitions: the days of the loaded rows, which bound the checks and stories after the load.
    const day = { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' };
    expect(await w.loadPosts([f1])).toEqual({ rowsIn: 2, inserted: 2, updated: 0, partitions: day });
    expect(await w.loadPosts([f1])).toEqual({ rowsIn: 2, inserted: 0, updated: 0, partitions: day });
    const f2 = await parquetOf([post('1', { like_count: 99, collected_at: '2026-11-22T00:00:00.000Z' }), post('3')]);
    const stale = await parquetOf([post('2', { like_count: -5, collected_at: '2026-11-01T00:00:00.000Z' })]);
    expect(await w.loadPosts([f2, stale])).toEqual({ rowsIn: 3, inserted: 1, updated: 1, partitions: day });
    expect(await w.loadPosts([])).toEqual({ rowsIn: 0, inserted: 0, updated: 0, partitions: null });
    const rows = await w.query<{ post_id: string; like_count: bigint }>('SELECT post_id, like_count FROM posts ORDER BY post_id');
    expect(rows.map((r) => [r.post_id, Number(r.like_count)])).toEqual([['x:1', 99], ['x:2', 1], ['x:3', 1]]);
    const enriched = await w.query<{ n: bigint }>('SELECT count(*) AS n FROM posts_enriched WHERE sentiment IS NULL');
    expect(Number(enriched[0]!.n)).toBe(3);
    await w.close();
  });

  it('records runs and loader state, and binds parameters', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    await w.ensureSchema();
    const run = {
      run_id: 'r1', step: 'load', source: '*', started_at: '2026-11-24T00:00:00.000Z', finished_at: null, status: 'running' as const,
      rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: null, details: null,
    };
    await w.recordRun(run);
    await w.recordRun({ ...run, status: 'ok', finished_at: '2026-11-24T00:00:05.000Z', rows_out: 7 });
    const runs = await w.query<{ status: string; rows_out: bigint }>('SELECT status, rows_out FROM pipeline_runs WHERE run_id = $id', { id: 'r1' });
    expect(runs.map((r) => [r.status, Number(r.rows_out)])).toEqual([['ok', 7]]);
    expect(await w.getState('k')).toBeUndefined();
    await w.setState('k', "v'1");
    expect(await w.getState('k')).toBe("v'1");
    const hostile = await w.query<{ n: bigint }>('SELECT count(*) AS n FROM posts WHERE text = $t', { t: "'; DROP TABLE posts; --" });
    expect(Number(hostile[0]!.n)).toBe(0);
    await w.close();
  });

  it('holds every statement and the watermark of a transaction opened through query, even while other queries run at once', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    await w.ensureSchema();
    await w.loadPosts([await parquetOf([post('1')])]);
    // Rolled back: neither the row nor the watermark written inside survives.
    await w.query('BEGIN TRANSACTION');
    await w.query("DELETE FROM posts WHERE post_id = 'x:1'");
    await w.setState('stories.done', 't1');
    const [inside] = await w.query<{ n: bigint }>('SELECT count(*) AS n FROM posts');
    expect(Number(inside!.n)).toBe(0);
    await w.query('ROLLBACK');
    expect(await w.getState('stories.done')).toBeUndefined();
    // Committed: both, and queries issued concurrently afterwards run on the pool again.
    await w.query('BEGIN TRANSACTION');
    await w.query("UPDATE posts SET text = 'changed' WHERE post_id = 'x:1'");
    await w.setState('stories.done', 't2');
    await w.query('COMMIT');
    const [a, b] = await Promise.all([w.query<{ text: string }>('SELECT text FROM posts'), w.query<{ n: bigint }>('SELECT count(*) AS n FROM pulse_state')]);
    expect(a.map((r) => r.text)).toEqual(['changed']);
    expect(Number(b[0]!.n)).toBeGreaterThan(0);
    expect(await w.getState('stories.done')).toBe('t2');
    await w.close();
  });

  it('records data-quality checks, replacing a check re-run in the same run', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    await w.ensureSchema();
    const check = {
      run_id: 'r1', check_name: 'post_id_unique', source: '*', status: 'fail' as const, severity: 'error' as const,
      observed: 2, expected: '= 0', message: '2 duplicate post_id', checked_at: '2026-11-24T00:00:00.000Z',
    };
    await w.recordChecks([check, { ...check, check_name: 'freshness', source: 'mastodon', status: 'pass', observed: 0.5, expected: '≤ 2h', message: null }]);
    await w.recordChecks([{ ...check, status: 'pass', observed: 0, message: null }]);
    const rows = await w.query<{ check_name: string; source: string; status: string; observed: number }>('SELECT check_name, source, status, observed FROM dq_checks ORDER BY check_name');
    expect(rows).toEqual([
      { check_name: 'freshness', source: 'mastodon', status: 'pass', observed: 0.5 },
      { check_name: 'post_id_unique', source: '*', status: 'pass', observed: 0 },
    ]);
    await w.close();
  });

  it('inserts a load in time order, so that a period query skips the row groups of other periods', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
    const w = await DuckDBWarehouse.open(path.join(dir, 'w.duckdb'));
    await w.ensureSchema();
    // 300,000 posts over a year in a Parquet file ordered by post_id (not by time), as the
    // merge's window function would leave them: three row groups of DuckDB's 122,880 rows.
    const file = path.join(dir, 'posts.parquet');
    const { db, conn } = await openDuckDB(':memory:');
    await conn.run(`COPY (
      SELECT 'x:' || i AS post_id, 'x' AS source, CAST(i AS VARCHAR) AS native_id, 'https://x.com/' || i AS url, 'post' AS kind,
             NULL AS parent_id, NULL AS conversation_id, 'a' AS author_id, 'a' AS author_handle, 'A' AS author_name, NULL AS author_followers,
             TIMESTAMPTZ '2026-01-01' + to_seconds(CAST(hash(i) % 31536000 AS BIGINT)) AS created_at, TIMESTAMPTZ '2027-01-01' AS collected_at,
             'en' AS lang, NULL AS title, 't' AS text, 1 AS like_count, 0 AS repost_count, 0 AS reply_count, 0 AS quote_count, NULL AS score,
             [] AS hashtags, [] AS mentions, [] AS links, ['q'] AS queries, NULL AS extra
      FROM range(300000) AS r(i) ORDER BY post_id) TO '${file}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();
    const loaded = await w.loadPosts([file]);
    const [span] = await w.query<{ lo: string; hi: string }>('SELECT min(created_at) AS lo, max(created_at) AS hi FROM posts');
    const dayOf = (iso: string, add: number) => new Date((Math.floor(Date.parse(iso) / 86_400_000) + add) * 86_400_000).toISOString();
    expect(loaded).toEqual({ rowsIn: 300_000, inserted: 300_000, updated: 0, partitions: { from: dayOf(span!.lo, 0), to: dayOf(span!.hi, 1) } });
    // The zone map of created_at in each row group, as DuckDB keeps it.
    const segments = await w.query<{ g: bigint; stats: string }>(
      `SELECT row_group_id AS g, stats FROM pragma_storage_info('posts') WHERE column_name = 'created_at' AND segment_type <> 'VALIDITY'`,
    );
    const spans = new Map<number, { min: number; max: number }>();
    for (const s of segments) {
      const m = /Min: ([^,\]]+), Max: ([^\]]+)\]/.exec(s.stats)!;
      const [lo, hi] = [Date.parse(m[1]!.replace(' ', 'T').replace(/\+00$/, 'Z')), Date.parse(m[2]!.replace(' ', 'T').replace(/\+00$/, 'Z'))];
      const prev = spans.get(Number(s.g)) ?? { min: lo, max: hi };
      spans.set(Number(s.g), { min: Math.min(prev.min, lo), max: Math.max(prev.max, hi) });
    }
    expect(spans.size).toBeGreaterThanOrEqual(3);
    // In time order each row group covers a part of the year; in hash order each covers all of it.
    for (const { min, max } of spans.values()) expect((max - min) / 86_400_000).toBeLessThan(200);
    await w.close();
  });

  it('takes a memory limit, beyond which DuckDB spills instead of growing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
    const w = await DuckDBWarehouse.open(path.join(dir, 'w.duckdb'), { memoryLimit: '512MB' });
    const [r] = await w.query<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
    expect(r!.limit).toMatch(/^(488\.2 MiB|512\.0 MB)$/);
    await w.close();
  });

  it('opened read-only, runs each statement on the cores its concurrent readers leave over, at least one', async () => {
    expect([1, 2, 3, 4, 7, 8, 16].map((n) => readerThreads(n))).toEqual([1, 1, 1, 1, 1, 2, 4]);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
    const file = path.join(dir, 'w.duckdb');
    const threads = async (w: DuckDBWarehouse) => Number((await w.query<{ n: string }>(`SELECT current_setting('threads') AS n`))[0]!.n);
    await (await DuckDBWarehouse.open(file)).close();
    const reader = await DuckDBWarehouse.open(file, { readOnly: true });
    expect(await threads(reader)).toBe(readerThreads());
    await reader.close();
  });

  // A 100M-row count at the end: about a second idle, a bound for a loaded machine.
  it('hands a free reader connection to the waiting query of highest priority, equal ones in the order they came', async () => {
    const w = new Waiters<string>();
    const got: string[] = [];
    const waits = ([[0, 'a'], [0, 'b'], [2, 'c'], [1, 'd'], [2, 'e'], [0, 'f']] as const).map(([p, name]) => w.wait(p).then((c) => got.push(`${name}:${c}`)));
    for (const c of ['1', '2', '3', '4', '5', '6']) expect(w.give(c)).toBe(true);
    await Promise.all(waits);
    expect(got).toEqual(['c:1', 'e:2', 'd:3', 'a:4', 'b:5', 'f:6']);
    expect(w.give('7')).toBe(false);
  });

  it('opened read-only, reuses a statement prepared on a connection with each call\'s own parameters', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wh-'));
    const file = path.join(dir, 'w.duckdb');
    const writer = await DuckDBWarehouse.open(file);
    await writer.ensureSchema();
    await writer.loadPosts([await parquetOf([0, 1, 2, 3].map((i) => post(String(i), { created_at: `2026-11-0${i + 1}T10:00:00.000Z`, lang: i % 2 ? 'en' : 'de' })))]);
    await writer.close();
    const w = await DuckDBWarehouse.open(file, { readOnly: true });
    const sql = `SELECT count(*) AS n, list(post_id ORDER BY post_id) AS ids FROM posts
      WHERE created_at >= CAST($from AS TIMESTAMPTZ) AND ($lang IS NULL OR lang = $lang) AND ($only = '' OR post_id = $only)`;
    const ids = (await w.query<{ post_id: string }>('SELECT post_id FROM posts ORDER BY created_at')).map((r) => r.post_id);
    const ask = (from: string, lang: string | null, only = '') => w.query<{ n: number; ids: string[] }>(sql, { from, lang, only });
    // Several at once (a connection each), then again on connections that already hold the statement.
    for (let round = 0; round < 3; round++) {
      const [all, late, en, one] = await Promise.all([
        ask('2026-10-01T00:00:00Z', null),
        ask('2026-11-03T00:00:00Z', null),
        ask('2026-10-01T00:00:00Z', 'en'),
        ask('2026-10-01T00:00:00Z', null, ids[3]!),
      ]);
      expect(all).toEqual([{ n: 4, ids: [...ids].sort() }]);
      expect(late).toEqual([{ n: 2, ids: [ids[2]!, ids[3]!].sort() }]);
      expect(en).toEqual([{ n: 2, ids: [ids[1]!, ids[3]!].sort() }]);
      expect(one).toEqual([{ n: 1, ids: [ids[3]!] }]);
    }
    // A statement that fails to prepare fails the call, and the next ones still work.
    await expect(w.query('SELECT nope FROM posts WHERE created_at > $x', { x: '2026-01-01' })).rejects.toThrow(/nope/);
    expect(await ask('2026-11-04T00:00:00Z', null)).toEqual([{ n: 1, ids: [ids[3]!] }]);
    // A query still running when the warehouse closes (a page whose other panel failed first)
    // runs to its end on its prepared statement; its connection is closed after it.
    const slow = `SELECT count(*) AS n FROM range(CAST($n AS BIGINT)) AS t(i) WHERE i % 7 = $r`;
    expect(await w.query(slow, { n: 70, r: 3 })).toEqual([{ n: 10 }]);
    const late = w.query(slow, { n: 100_000_000, r: 3 });
    // After every pending microtask: the query has been handed to DuckDB when close() comes.
    await new Promise((resolve) => setImmediate(resolve));
    await w.close();
    expect(await late).toEqual([{ n: Math.ceil((100_000_000 - 3) / 7) }]);
  });
});
