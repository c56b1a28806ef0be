import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows, sqlString } from '@social-pulse/runtime';
import { mastodonStatus, startFakeMastodon } from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

async function query<T>(file: string, sql: string): Promise<T[]> {
  const { db, conn } = await openDuckDB(file === ':memory:' ? ':memory:' : file, file === ':memory:' ? {} : { readOnly: true });
  try {
    return await queryRows<T>(conn, sql);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('the lake’s state and files, through `pulse run`', { timeout: 300_000 }, () => {
  it('stores a post that two instances date on two days once, in the lake and the warehouse, and reports it', async () => {
    // The same status (one uri) as two instances serve it: other day, other text.
    const uri = 'https://origin.example/users/alice/statuses/1';
    const early = await startFakeMastodon(() => [mastodonStatus('109000000000000100', 'a.example', { uri, created_at: '2026-11-20T23:30:00.000Z', content: '<p>first text</p>' })]);
    const late = await startFakeMastodon(() => [mastodonStatus('109000000000000200', 'b.example', { uri, created_at: '2026-11-21T00:30:00.000Z', content: '<p>edited text</p>' })]);
    servers.push(early, late);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
sources:
  - type: mastodon
    instances: [${early.url}, ${late.url}]
    tags: [dataengineering]
`);
    const r = await pulse(['run', '--skip', 'enrich', '--config', ws.config]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 posts found in another day's partition too/);
    const lake = await query<{ post_id: string; text: string; dt: string }>(
      ':memory:',
      `SELECT post_id, text, regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt
       FROM read_parquet(${sqlString(path.join(ws.dir, 'data/lake/posts/**/*.parquet'))}, hive_partitioning = false, filename = true)`,
    );
    expect(lake).toEqual([{ post_id: `mastodon:${uri}`, text: 'edited text', dt: '2026-11-21' }]);
    expect(await readdir(path.join(ws.dir, 'data/lake/posts/source=mastodon'))).toEqual(['dt=2026-11-21']);
    const wh = await query<{ post_id: string; text: string }>(path.join(ws.dir, 'data/warehouse.duckdb'), 'SELECT post_id, text FROM posts');
    expect(wh).toEqual([{ post_id: `mastodon:${uri}`, text: 'edited text' }]);
  });

  it('names a state file of the wrong shape and a Parquet file of foreign columns, with the fix, and exits 1', async () => {
    const server = await startFakeMastodon(() => [mastodonStatus('109000000000000100', 'a.example')]);
    servers.push(server);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
sources:
  - type: mastodon
    instances: [${server.url}]
    tags: [dataengineering]
`);
    const cursors = path.join(ws.dir, 'data/lake/_state/cursors.json');
    await mkdir(path.dirname(cursors), { recursive: true });
    await writeFile(cursors, 'null');
    const bad = await pulse(['run', '--skip', 'enrich', '--config', ws.config]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`scrape: failed: lake state ${cursors}: the document: expected object, received null. To recover: delete it`);
    expect(bad.stdout).not.toMatch(/attempt 1 failed/); // the same file would fail again: not retried
    expect(server.requests).toHaveLength(0);

    // Fixed as the message says; then another program's Parquet file lands in posts/.
    await writeFile(cursors, '{"version": 1, "sources": {}}');
    const foreign = path.join(ws.dir, 'data/lake/posts/source=mastodon/dt=2026-11-19/orders.parquet');
    await mkdir(path.dirname(foreign), { recursive: true });
    await query(':memory:', `COPY (SELECT 42 AS order_id) TO ${sqlString(foreign)} (FORMAT parquet)`);
    const r = await pulse(['run', '--skip', 'enrich', '--config', ws.config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`lake-write: failed: lake file ${foreign} is not a posts/ file of social-pulse: columns order_id are not posts columns; required columns post_id,`);
    expect(r.stdout).toMatch(/Move it out of the lake's posts\/ folder/);
  });
});
