import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import {
  algoliaHit,
  awkwardHits,
  awkwardStatuses,
  json,
  startFakeAlgolia,
  startFakeMastodon,
  statusRun,
  type HitJson,
  type ReplayServer,
  type StatusJson,
} from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

async function warehouseRows(dir: string) {
  const { db, conn } = await openDuckDB(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
  try {
    const posts = await queryRows<{ post_id: string; source: string; text: string; author_handle: string; url: string; created_at: Date; like_count: bigint | null; score: bigint | null }>(
      conn,
      'SELECT post_id, source, text, author_handle, url, created_at, like_count, score FROM posts ORDER BY post_id',
    );
    const runs = await queryRows<{ step: string; source: string; status: string; rows_out: bigint; rows_rejected: bigint; retries: bigint; error: string | null }>(
      conn,
      'SELECT step, source, status, rows_out, rows_rejected, retries, error FROM pipeline_runs ORDER BY started_at, step, source',
    );
    return { posts, runs };
  } finally {
    // Release the file: the next `pulse run` needs it read-write.
    conn.closeSync();
    db.closeSync();
  }
}

const config = (mastodon: string[], algolia: string, extra = '') => `
lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 3, backoffMs: 20 }
sources:
  - type: mastodon
    instances: [${mastodon.join(', ')}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${algolia}
    queries: ["data engineering"]
${extra}`;

describe('pulse run, end to end on local replay servers', { timeout: 180_000 }, () => {
  it('lands every post once, and a second run fetches only what is new', async () => {
    // Two instances that federate the same statuses (same URIs, different local ids).
    const shared = awkwardStatuses('mastodon.social');
    const a: StatusJson[] = [...shared, ...statusRun(45, 'mastodon.social')];
    const b: StatusJson[] = shared.map((s) => ({ ...s, id: String(BigInt(s.id) + 7n) }));
    const t0 = Date.UTC(2026, 10, 10) / 1000;
    const hits: HitJson[] = [...awkwardHits(t0), ...Array.from({ length: 150 }, (_, i) => algoliaHit(String(41000000 + i), t0 + 100 + i * 60))];
    const m1 = await startFakeMastodon(() => a);
    const m2 = await startFakeMastodon(() => b);
    const hn = await startFakeAlgolia(() => hits);
    servers.push(m1, m2, hn);
    const ws = await workspace(config([m1.url, m2.url], hn.url));

    const first = await pulse(['run', '--config', ws.config]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/mastodon\s+ok\s+\d+ pages, \d+ posts/);
    expect(first.stdout).toMatch(/hackernews\s+ok\s+\d+ pages, 152 posts/);
    const { posts } = await warehouseRows(ws.dir);
    // 4 awkward statuses give 5 posts (a reblog and its original), + 45; HN 152.
    expect(posts.filter((p) => p.source === 'mastodon')).toHaveLength(50);
    expect(posts.filter((p) => p.source === 'hackernews')).toHaveLength(152);
    for (const p of posts) {
      expect(p.url).toMatch(/^https:\/\//);
      expect(p.author_handle).not.toBe('');
      expect(p.created_at).toBeInstanceOf(Date);
    }
    const ask = posts.find((p) => p.post_id === 'hackernews:40000001')!;
    expect(ask.text).toContain("I'm building pipelines with Spark.");
    expect(Number(ask.score)).toBe(42);
    expect(await readdir(path.join(ws.dir, 'data/lake/raw'))).toEqual(['source=hackernews', 'source=mastodon']);

    // New items appear; nothing else changes.
    a.push(...statusRun(2, 'mastodon.social', 109000000000002000n));
    hits.push(algoliaHit('42000000', t0 + 50_000));
    const m1Before = m1.requests.length;
    const second = await pulse(['run', '--config', ws.config]);
    expect(second.code).toBe(0);
    const after = await warehouseRows(ws.dir);
    expect(after.posts).toHaveLength(posts.length + 3);
    expect(new Set(after.posts.map((p) => p.post_id)).size).toBe(after.posts.length);
    // Incremental: the first request of the second run asks only for statuses newer than the last seen.
    expect(m1.requests[m1Before]!.searchParams.get('since_id')).toBeTruthy();
    expect(second.stdout).toMatch(/load\s+\d+ Parquet files → .*: 3 posts inserted/);

    // A third run with nothing new adds nothing.
    const third = await pulse(['run', '--config', ws.config]);
    expect(third.code).toBe(0);
    expect((await warehouseRows(ws.dir)).posts).toHaveLength(after.posts.length);

    const status = JSON.parse((await pulse(['status', '--json', '--config', ws.config])).stdout);
    expect(status.sources.map((s: { source: string; posts: number }) => [s.source, s.posts])).toEqual([
      ['mastodon', 52],
      ['hackernews', 153],
    ]);
    expect(status.sources[0].last_run.status).toBe('ok');
  });

  it('retries a 429 with Retry-After, keeps a malformed page in the raw zone, and goes on', async () => {
    const m = await startFakeMastodon(
      () => statusRun(60, 'mastodon.social'),
      ({ n }) =>
        n === 0 ? json({ error: 'Too many requests' }, 429, { 'retry-after': '1' }) : n === 2 ? { status: 200, body: '[{"id": "1", "uri": ' } : undefined,
    );
    const hn = await startFakeAlgolia(() => [algoliaHit('1', Date.UTC(2026, 10, 10) / 1000)]);
    servers.push(m, hn);
    const ws = await workspace(config([m.url], hn.url));
    const r = await pulse(['run', '--config', ws.config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mastodon\s+partial\s+2 pages, 40 posts, 1 malformed pages kept in raw\/, 1 retries/);
    expect(r.stdout).toMatch(/1 pages skipped \(kept in raw\/\)/);
    expect(r.stdout).toMatch(/hackernews\s+ok/);
    const { posts, runs } = await warehouseRows(ws.dir);
    expect(posts).toHaveLength(41);
    expect(runs.find((x) => x.step === 'scrape' && x.source === 'mastodon')).toMatchObject({ status: 'partial', retries: 1n });
    const rawFiles = (await readdir(path.join(ws.dir, 'data/lake/raw/source=mastodon'), { recursive: true })).filter((f) => f.endsWith('.json.gz'));
    expect(rawFiles).toHaveLength(2);
    // The next run resumes below the malformed page and fetches the remaining 20.
    const again = await pulse(['run', '--config', ws.config]);
    expect(again.code).toBe(0);
    expect((await warehouseRows(ws.dir)).posts).toHaveLength(61);
  });

  it('reports a bad configuration with the path of the bad key and runs nothing', async () => {
    const ws = await workspace('sources:\n  - type: hackernews\n    queries: ["x"]\n  - type: mastodon\n    instances: [https://a.example]\n    tags: dataengineering\n');
    const r = await pulse(['run', '--config', ws.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sources[1].tags: expected a list of strings');
    expect(await readdir(ws.dir)).toEqual(['pulse.config.yaml']);
  });

  it('skips a source whose credential is missing, saying what to set, and runs the others', async () => {
    const hn = await startFakeAlgolia(() => [algoliaHit('1', Date.UTC(2026, 10, 10) / 1000)]);
    servers.push(hn);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
sources:
  - type: x
    baseUrl: ${hn.url}
    queries: ["#dataengineering"]
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`);
    const r = await pulse(['run', '--config', ws.config], { X_BEARER_TOKEN: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/x\s+skipped: X_BEARER_TOKEN not set/);
    expect(r.stdout).toMatch(/hackernews\s+ok/);
    expect(r.stdout).toMatch(/run .*: partial/);
  });
});
