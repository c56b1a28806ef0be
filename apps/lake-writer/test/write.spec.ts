import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawZone, StateError, type LocalStore } from '@social-pulse/lake';
import { openDuckDB, queryRows, sqlStringList } from '@social-pulse/runtime';
import { encodeRawPage, type RawMeta } from '@social-pulse/sources';
import { awkwardStatuses, mastodonStatus, statusRun } from '@social-pulse/sources/testing';
import { mergeWorkDir, writeLake } from '../src/write.ts';
import { lakePostRows, lakeWriterWorkspace } from './helpers.ts';

const setup = () => lakeWriterWorkspace('pulse-lake-writer-');

function meta(runId: string, fetchedAt: string): RawMeta {
  return {
    source: 'mastodon',
    query: '#dataengineering',
    queryKey: 'https://example.social #dataengineering',
    url: 'https://example.social/api/v1/timelines/tag/dataengineering?limit=40',
    status: 200,
    fetched_at: fetchedAt,
    run_id: runId,
    headers: {},
  };
}

async function land(store: LocalStore, runId: string, fetchedAt: string, bodies: string[]) {
  const raw = new RawZone(store, runId);
  for (const b of bodies) await raw.land('mastodon', fetchedAt, encodeRawPage(meta(runId, fetchedAt), b).text);
}

const lakePosts = (dir: string) => lakePostRows<{ post_id: string; like_count: bigint; files: bigint }>(dir, 'post_id, like_count, count(*) OVER () AS files');

/** Every row of posts/ with the day partition its file lies in. */
async function lakeRows(dir: string) {
  const { db, conn } = await openDuckDB(':memory:');
  try {
    return await queryRows<{ post_id: string; text: string; dt: string }>(
      conn,
      `SELECT post_id, text, regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt
       FROM read_parquet(${sqlStringList([path.join(dir, 'lake/posts/**/*.parquet')])}, hive_partitioning = false, filename = true) ORDER BY post_id`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('lake-write step', () => {
  it('writes the same lake and the same report whether pages are normalized on worker threads or inline', async () => {
    const runId = '20261124T000000Z-aaaaaa';
    const pages = [
      JSON.stringify(statusRun(30, 'example.social')),
      '{"truncated": [',
      JSON.stringify(awkwardStatuses('example.social')),
      JSON.stringify([mastodonStatus('109000000000009001', 'example.social', { favourites_count: 'many' }), ...statusRun(5, 'example.social', 109000000000001020n)]),
      JSON.stringify(statusRun(12, 'example.social', 109000000000002000n)),
    ];
    const results = [];
    for (const threads of ['0', '2']) {
      const { dir, store, ctx } = await setup();
      await land(store, runId, '2026-11-24T00:00:05.000Z', pages);
      const report = await writeLake({ ...ctx(runId), env: { PULSE_LAKE_WRITE_THREADS: threads } });
      results.push({ report, rows: await lakePostRows(dir) });
    }
    const [inline, threaded] = results;
    expect(inline!.report.status).toBe('partial');
    expect(inline!.report.rowsRejected).toBe(2);
    expect(inline!.rows.length).toBeGreaterThan(45);
    expect(threaded!.report).toEqual(inline!.report);
    expect(threaded!.rows).toEqual(inline!.rows);
  });

  it('refuses a thread count it cannot use', async () => {
    const { ctx } = await setup();
    await expect(writeLake({ ...ctx('20261124T000000Z-aaaaaa'), env: { PULSE_LAKE_WRITE_THREADS: 'many' } })).rejects.toThrow(/PULSE_LAKE_WRITE_THREADS must be a whole number/);
  });

  it('merges raw pages into Parquet once per post, keeps a malformed page in raw/ and reports it, and resumes from its watermark', async () => {
    const { dir, store, ctx } = await setup();
    const run1 = '20261124T000000Z-aaaaaa';
    await land(store, run1, '2026-11-24T00:00:05.000Z', [JSON.stringify(statusRun(40, 'example.social')), '{"truncated": [', JSON.stringify(statusRun(10, 'example.social', 109000000000001040n))]);
    const first = await writeLake(ctx(run1));
    expect(first.status).toBe('partial');
    expect(first.rowsOut).toBe(50);
    expect(first.details).toMatchObject({ rawPages: 3, malformedPages: 1 });
    expect(first.lines.join('\n')).toMatch(/1 pages skipped \(kept in raw\/\)/);
    const posts = await lakePosts(dir);
    expect(posts).toHaveLength(50);
    expect(new Set(posts.map((p) => p.post_id)).size).toBe(50);

    // A later run sees one of those statuses again with more favourites: the newest state wins, stored once.
    const run2 = '20261124T010000Z-bbbbbb';
    const again = mastodonStatus('109000000000001000', 'example.social', { favourites_count: 99 });
    await land(store, run2, '2026-11-24T01:00:05.000Z', [JSON.stringify([again])]);
    const second = await writeLake(ctx(run2));
    expect(second.status).toBe('ok');
    expect(second.details).toMatchObject({ rawPages: 1 });
    expect(second.rowsOut).toBe(0);
    const after = await lakePosts(dir);
    expect(after).toHaveLength(50);
    expect(Number(after.find((p) => p.post_id.endsWith('/statuses/109000000000001000'))!.like_count)).toBe(99);

    // Nothing new: nothing read.
    const third = await writeLake(ctx('20261124T020000Z-cccccc'));
    expect(third.details).toMatchObject({ rawPages: 0 });
  });

  it('refuses a watermark of the wrong type, or later than every raw page, naming the file and the fix', async () => {
    const { store, ctx } = await setup();
    const stateFile = store.url('_state/lake-writer.json');
    await land(store, '20261124T000000Z-aaaaaa', '2026-11-24T00:00:05.000Z', [JSON.stringify(statusRun(5, 'example.social'))]);

    await store.write('_state/lake-writer.json', '{"rawThrough": 20261124}');
    const wrongType = await writeLake(ctx('20261124T010000Z-bbbbbb')).catch((e: unknown) => e);
    expect(wrongType).toBeInstanceOf(StateError);
    expect((wrongType as StateError).exitCode).toBe(2);
    expect((wrongType as Error).message).toContain(stateFile);
    expect((wrongType as Error).message).toMatch(/rawThrough: expected string, received number.*To recover: delete it/);

    // Written by a clock running ahead: every page landed since sorts before it.
    await store.write('_state/lake-writer.json', JSON.stringify({ rawThrough: '20991231T000000Z-ffffff-000000' }));
    const ahead = await writeLake(ctx('20261124T010000Z-bbbbbb')).catch((e: unknown) => e);
    expect(ahead).toBeInstanceOf(StateError);
    expect((ahead as Error).message).toContain(stateFile);
    expect((ahead as Error).message).toMatch(/rawThrough 20991231T000000Z-ffffff-000000 is later than now .*clock running ahead.*To recover: delete it/);

    // Not in the future, but past every page in raw/: nothing would ever be read again.
    await store.write('_state/lake-writer.json', JSON.stringify({ rawThrough: '20261125T000000Z-ffffff-000000' }));
    const past = await writeLake(ctx('20261124T010000Z-bbbbbb')).catch((e: unknown) => e);
    expect(past).toBeInstanceOf(StateError);
    expect((past as Error).message).toMatch(/names no raw page, and no raw page is newer \(the newest is 20261124T000000Z-aaaaaa-000000\)/);

    // The fix the message gives works: without the document every raw page is merged again, once.
    await store.delete('_state/lake-writer.json');
    expect(await writeLake(ctx('20261124T010000Z-bbbbbb'))).toMatchObject({ status: 'ok', rowsOut: 5 });
    expect(await writeLake(ctx('20261124T020000Z-cccccc'))).toMatchObject({ status: 'ok', details: { rawPages: 0 } });
  });

  it('stores a post seen on two days once: the newest state wins, the stale copy goes, and the conflict is counted', async () => {
    const { dir, store, ctx } = await setup();
    const id = '109000000000001003';
    const run1 = '20261124T000000Z-aaaaaa';
    await land(store, run1, '2026-11-24T00:00:05.000Z', [JSON.stringify([...statusRun(3, 'example.social'), mastodonStatus(id, 'example.social', { content: '<p>first text</p>' })])]);
    expect(await writeLake(ctx(run1))).toMatchObject({ status: 'ok', rowsOut: 4 });

    // Another page (another instance's copy, or an edit) carries the same uri with another day and text.
    const run2 = '20261124T010000Z-bbbbbb';
    const moved = mastodonStatus(id, 'example.social', { created_at: '2026-11-22T08:00:00.000Z', content: '<p>second text</p>' });
    await land(store, run2, '2026-11-24T01:00:05.000Z', [JSON.stringify([moved, mastodonStatus('109000000000002000', 'example.social')])]);
    const second = await writeLake(ctx(run2));
    expect(second).toMatchObject({ status: 'ok', rowsOut: 1, details: { movedPosts: 1 } });
    expect(second.lines.join('\n')).toMatch(/1 posts found in another day's partition/);

    const rows = await lakeRows(dir);
    expect(rows.filter((r) => r.post_id.endsWith(`/statuses/${id}`))).toEqual([
      { post_id: `mastodon:https://example.social/users/alice/statuses/${id}`, text: 'second text', dt: '2026-11-22' },
    ]);
    expect(new Set(rows.map((r) => r.post_id)).size).toBe(rows.length);
    expect(rows).toHaveLength(5);

    // An older state seen later (raw pages merged again) does not bring the stale copy back.
    await store.delete('_state/lake-writer.json');
    const replay = await writeLake(ctx('20261124T020000Z-cccccc'));
    expect(replay.details).toMatchObject({ movedPosts: 1 });
    const again = await lakeRows(dir);
    expect(again.filter((r) => r.post_id.endsWith(`/statuses/${id}`))).toEqual([
      { post_id: `mastodon:https://example.social/users/alice/statuses/${id}`, text: 'second text', dt: '2026-11-22' },
    ]);
    expect(again).toHaveLength(5);
  });

  it('clears the staging a killed run left behind, and leaves none of its own', async () => {
    const { store, ctx } = await setup();
    const c = ctx('20261124T000000Z-aaaaaa');
    const work = mergeWorkDir(c.config.lakeLocation);
    expect(mergeWorkDir(c.config.lakeLocation)).toBe(work); // one folder per lake
    // What a SIGKILLed lake-write leaves: staged Parquet of another run.
    await mkdir(path.join(work, 'staged/source=mastodon/dt=2026-11-20'), { recursive: true });
    await writeFile(path.join(work, 'staged/source=mastodon/dt=2026-11-20/batch-0-0.parquet'), 'not even Parquet');
    await land(store, '20261124T000000Z-aaaaaa', '2026-11-24T00:00:05.000Z', [JSON.stringify(statusRun(5, 'example.social'))]);
    const r = await writeLake(c);
    expect(r).toMatchObject({ status: 'ok', rowsOut: 5 });
    expect(existsSync(work)).toBe(false);
  });
});
