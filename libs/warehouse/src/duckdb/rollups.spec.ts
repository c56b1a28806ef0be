import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDuckDB } from '@social-pulse/runtime';
import { postNlp, posts } from '@social-pulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUPS, ROLLUPS_STATE_KEY, ROLLUPS_VERSION } from '../rollups.ts';
import { parquetOf, sampleNlp, samplePost } from '../testing/index.ts';
import { DuckDBWarehouse } from './warehouse.ts';

/** A warehouse that has posts but no rollups (one written before them) gets them built when opened for writing. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rollups-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const rows = async (file: string, sql: string) => {
  const w = await DuckDBWarehouse.open(file, { readOnly: true });
  try {
    return await w.query(sql);
  } finally {
    await w.close();
  }
};

describe('DuckDB rollups', () => {
  it('are built on open for a warehouse that has posts but none, and a load then refreshes only its days', async () => {
    const file = path.join(dir, 'w.duckdb');
    let w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    const ps = Array.from({ length: 30 }, (_, i) => samplePost(String(i), { created_at: new Date(Date.UTC(2026, 10, 1 + (i % 10), i)).toISOString(), hashtags: ['a', `t${i % 3}`],
      links: i % 4 ? [`https://e.com/${i % 5}`, `https://e.com/${i % 5}`] : [], kind: i % 2 ? 'story' : 'post', title: i % 2 ? `T${i % 3}` : null, like_count: i % 4 }));
    await w.loadPosts([await parquetOf(posts, ps)]);
    await w.loadNlp([await parquetOf(postNlp, ps.map((p) => sampleNlp(p.native_id, { created_at: p.created_at })))]);
    await w.close();

    // As a warehouse of an older version: rollups empty, no state.
    const { db, conn } = await openDuckDB(file);
    for (const r of ROLLUPS) await conn.run(`DELETE FROM ${r.table.name}`);
    await conn.run(`DELETE FROM pulse_state WHERE "key" = '${ROLLUPS_STATE_KEY}'`);
    conn.closeSync();
    db.closeSync();
    expect(await rows(file, 'SELECT count(*) AS n FROM rollup_daily')).toEqual([{ n: 0 }]);

    w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.close();
    expect(await rows(file, `SELECT "value" FROM pulse_state WHERE "key" = '${ROLLUPS_STATE_KEY}'`)).toEqual([{ value: ROLLUPS_VERSION }]);
    for (const r of ROLLUPS) {
      const cols = r.table.fields.map((f) => f.name).join(', ');
      const have = await rows(file, `SELECT ${cols} FROM ${r.table.name} ORDER BY ALL`);
      expect(have.length, r.table.name).toBeGreaterThan(0);
      expect(have, r.table.name).toEqual(await rows(file, `SELECT ${cols} FROM (${r.duckdb('TRUE', 'TRUE')}) ORDER BY ALL`));
    }
    expect(await rows(file, 'SELECT sum(posts) AS n FROM rollup_daily')).toEqual([{ n: 30 }]);
    // The span tables are stored in last_day order, so that a view's scan of the spans that reach it skips older row groups.
    for (const r of ROLLUPS.filter((x) => x.spansOf)) {
      const stored = (await rows(file, `SELECT last_day FROM ${r.table.name} ORDER BY rowid`)).map((x) => String(x.last_day));
      expect(new Set(stored).size, r.table.name).toBeGreaterThan(1);
      expect(stored, r.table.name).toEqual([...stored].sort());
    }

    // A load of one day's post: that day's rows are replaced, the other days' rows are not rewritten.
    const before = await rows(file, `SELECT day, source, posts FROM rollup_daily WHERE day <> TIMESTAMPTZ '2026-11-05' ORDER BY ALL`);
    const [{ n: onDay }] = (await rows(file, `SELECT sum(posts) AS n FROM rollup_daily WHERE day = TIMESTAMPTZ '2026-11-05'`)) as [{ n: number }];
    w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.loadPosts([await parquetOf(posts, [samplePost('99', { created_at: '2026-11-05T12:00:00.000Z' })])]);
    await w.close();
    expect(await rows(file, `SELECT day, source, posts FROM rollup_daily WHERE day <> TIMESTAMPTZ '2026-11-05' ORDER BY ALL`)).toEqual(before);
    expect(await rows(file, `SELECT sum(posts) AS n FROM rollup_daily WHERE day = TIMESTAMPTZ '2026-11-05'`)).toEqual([{ n: onDay + 1 }]);

    // Newer states that drop tags: post 9 (the last day of ('t0', author 1)'s span) loses 't0', so
    // the span ends earlier; every post with 't2' loses it, so that pair goes. A new author's post on
    // an old day. The span table and every other rollup then equal their definitions again.
    const edited = ps.filter((p) => p.native_id === '9' || p.hashtags.includes('t2')).map((p) => ({ ...p, collected_at: '2026-11-22T00:00:00.000Z', hashtags: ['a'] }));
    expect(edited.length).toBeGreaterThan(5);
    const lastT0 = await rows(file, `SELECT last_day FROM rollup_hashtag_spans WHERE tag = 't0'`);
    w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.loadPosts([await parquetOf(posts, [...edited, samplePost('100', { author_id: '2', created_at: '2026-11-03T08:00:00.000Z', hashtags: ['t1', 'new'] })])]);
    await w.close();
    expect(await rows(file, `SELECT count(*) AS n FROM rollup_hashtag_spans WHERE tag = 't2'`)).toEqual([{ n: 0 }]);
    expect(await rows(file, `SELECT last_day FROM rollup_hashtag_spans WHERE tag = 't0'`)).not.toEqual(lastT0);
    expect(await rows(file, `SELECT count(*) AS n FROM rollup_hashtag_spans WHERE author_id = '2'`)).toEqual([{ n: 2 }]);
    const asDefined = async () => {
      for (const r of ROLLUPS) {
        const cols = r.table.fields.map((f) => f.name).join(', ');
        const have = await rows(file, `SELECT ${cols} FROM ${r.table.name} ORDER BY ALL`);
        expect(have, r.table.name).toEqual(await rows(file, `SELECT ${cols} FROM (${r.duckdb('TRUE', 'TRUE')}) ORDER BY ALL`));
      }
    };
    await asDefined();

    // A span's last day among a load's days loses its row while the load adds an earlier day: the
    // new last day is a day the load did not touch (Nov 3), not the load's own (Nov 2).
    const gap = (id: string, day: string, collected = '2026-11-21T00:00:00.000Z', hashtags = ['gap']) =>
      samplePost(id, { author_id: '7', created_at: `2026-11-0${day}T09:00:00.000Z`, collected_at: collected, hashtags });
    w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.loadPosts([await parquetOf(posts, [gap('g1', '1'), gap('g3', '3'), gap('g5', '5')])]);
    await w.loadPosts([await parquetOf(posts, [gap('g5', '5', '2026-11-23T00:00:00.000Z', []), gap('g2', '2')])]);
    await w.close();
    expect(await rows(file, `SELECT first_day, last_day, posts FROM rollup_hashtag_spans WHERE tag = 'gap'`)).toEqual([
      { first_day: '2026-11-01T00:00:00.000Z', last_day: '2026-11-03T00:00:00.000Z', posts: 3 },
    ]);
    await asDefined();
    // A span that grows at its end from the days alone (no daily row read); then its first day
    // loses its only row, and the next day with one (not a day of the load) starts it.
    w = await DuckDBWarehouse.open(file);
    await w.loadPosts([await parquetOf(posts, [gap('g6', '6')])]);
    await w.close();
    expect(await rows(file, `SELECT first_day, last_day, posts FROM rollup_hashtag_spans WHERE tag = 'gap'`)).toEqual([
      { first_day: '2026-11-01T00:00:00.000Z', last_day: '2026-11-06T00:00:00.000Z', posts: 4 },
    ]);
    w = await DuckDBWarehouse.open(file);
    await w.loadPosts([await parquetOf(posts, [gap('g1', '1', '2026-11-23T00:00:00.000Z', [])])]);
    await w.close();
    expect(await rows(file, `SELECT first_day, last_day, posts FROM rollup_hashtag_spans WHERE tag = 'gap'`)).toEqual([
      { first_day: '2026-11-02T00:00:00.000Z', last_day: '2026-11-06T00:00:00.000Z', posts: 3 },
    ]);
    await asDefined();
  });

  it('are rebuilt on open when one of them is missing, though the recorded version is current', async () => {
    const file = path.join(dir, 'dropped.duckdb');
    let w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.loadPosts([await parquetOf(posts, Array.from({ length: 6 }, (_, i) => samplePost(String(i), { created_at: `2026-11-0${1 + i}T09:00:00.000Z`, links: ['https://e.com/x'] })))]);
    await w.close();
    const { db, conn } = await openDuckDB(file);
    await conn.run('DROP TABLE rollup_links_daily');
    await conn.run('DROP TABLE rollup_top_gains_daily');
    conn.closeSync();
    db.closeSync();
    w = await DuckDBWarehouse.open(file);
    await w.ensureSchema();
    await w.close();
    expect(await rows(file, 'SELECT sum(posts) AS n FROM rollup_links_daily')).toEqual([{ n: 6 }]);
    expect(await rows(file, 'SELECT count(*) AS n FROM rollup_top_gains_daily')).toEqual([{ n: 0 }]);
  });
});
