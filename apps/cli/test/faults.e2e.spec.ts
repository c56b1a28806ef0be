import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { algoliaHit, json, mastodonStatus, startFakeAlgolia, startFakeMastodon, statusRun } from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

async function warehouse(dir: string) {
  const { db, conn } = await openDuckDB(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
  try {
    const posts = await queryRows<{ post_id: string; source: string; text: string; author_handle: string; hashtags: string[] }>(conn, 'SELECT post_id, source, text, author_handle, hashtags FROM posts ORDER BY post_id');
    const runs = await queryRows<{ step: string; source: string; status: string; rows_rejected: bigint; retries: bigint; error: string | null }>(
      conn,
      `SELECT step, source, status, rows_rejected, retries, error FROM pipeline_runs ORDER BY started_at, step, source`,
    );
    return { posts, runs };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** A webhook on loopback that records what it is sent. */
async function startHook(): Promise<{ url: string; calls: unknown[]; close(): Promise<void> }> {
  const calls: unknown[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) as unknown });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('network faults, a failed step, its notice, and the next run', { timeout: 300_000 }, () => {
  it('bounds retries on a hang, resets, a 429 storm and 5xx; marks the source failed, goes on, and the next run catches up', async () => {
    let faulty = true;
    const hang = await startFakeMastodon(() => statusRun(30, 'hang.example'), () => (faulty ? 'hang' : undefined));
    const reset = await startFakeMastodon(() => statusRun(30, 'reset.example'), () => (faulty ? 'reset' : undefined));
    const storm = await startFakeMastodon(() => statusRun(30, 'storm.example'), () => (faulty ? json({ error: 'Too many requests' }, 429, { 'retry-after': '1' }) : undefined));
    const down = await startFakeMastodon(() => statusRun(30, 'down.example'), () => (faulty ? json({ error: 'busy' }, 503) : undefined));
    const t0 = Date.UTC(2026, 10, 20) / 1000;
    // Hacker News answers after a burst of two 502s.
    const hn = await startFakeAlgolia(() => Array.from({ length: 40 }, (_, i) => algoliaHit(String(42000000 + i), t0 + i * 600)), ({ n }) => (n < 2 ? json({ message: 'bad gateway' }, 502) : undefined));
    const hook = await startHook();
    servers.push(hang, reset, storm, down, hn, hook);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { timeoutMs: 1500, retries: 2, backoffMs: 20, maxRetryAfterMs: 2000 }
retry: { steps: 0 }
notify: { webhook: ${hook.url} }
sources:
  - type: mastodon
    instances: [${hang.url}, ${reset.url}, ${storm.url}, ${down.url}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`);

    const started = Date.now();
    const first = await pulse(['run', '--skip', 'enrich', '--config', ws.config], { PULSE_TEST_CRASH_AT: 'lake-write.merged#1' });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/mastodon\s+failed\s+0 pages, 0 posts, 8 retries/);
    expect(first.stdout).toMatch(/hackernews\s+ok\s+1 pages, 40 posts, 2 retries/);
    expect(first.stdout).toMatch(/lake-write: the step process was killed by SIGKILL/);
    expect(first.stdout).toMatch(/load\s+not run: lake-write failed \(the step process was killed by SIGKILL\)/);
    expect(first.stdout).toMatch(/run .*: failed \(lake-write failed; not run: load\)/);
    // Bounded: each faulty instance got its first request and two retries, then the source gave up.
    for (const s of [hang, reset, storm, down]) expect(s.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(120_000);

    // One notice for the failed run, with a summary a person or a bot can act on.
    expect(hook.calls).toEqual([
      {
        method: 'POST',
        type: 'application/json',
        body: expect.objectContaining({
          status: 'failed',
          failed_step: 'lake-write',
          not_run: ['load'],
          text: expect.stringMatching(/^social-pulse run \S+ failed: lake-write: the step process was killed by SIGKILL; not run: load$/),
        }),
      },
    ]);

    const status = JSON.parse((await pulse(['status', '--json', '--config', ws.config])).stdout);
    expect(status.last_run).toMatchObject({ status: 'failed', failed_step: { step: 'lake-write' }, not_run: ['load'] });
    expect(status.sources.find((s: { source: string }) => s.source === 'mastodon').last_run).toMatchObject({ status: 'failed' });
    const text = (await pulse(['status', '--config', ws.config])).stdout;
    expect(text).toMatch(/failed step: lake-write — the step process was killed by SIGKILL/);
    expect(text).toMatch(/not run: load \(they depend on lake-write\)/);

    // The faults pass; the next run resumes from the last good state and lands everything, once.
    faulty = false;
    const second = await pulse(['run', '--skip', 'enrich', '--config', ws.config]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const { posts } = await warehouse(ws.dir);
    expect(posts.filter((p) => p.source === 'mastodon')).toHaveLength(120);
    expect(posts.filter((p) => p.source === 'hackernews')).toHaveLength(40);
    expect(hook.calls).toHaveLength(1);
    const after = JSON.parse((await pulse(['status', '--json', '--config', ws.config])).stdout);
    expect(after.last_run.status).toBe('ok');
    expect(after.quality.failed).toBe(0);
    expect(after.quality.checks.map((c: { check_name: string; source: string; status: string }) => `${c.check_name}:${c.source}:${c.status}`)).toEqual(
      expect.arrayContaining(['post_id_unique:*:pass', 'freshness:mastodon:pass', 'freshness:hackernews:pass', 'volume_in_range:mastodon:skipped']),
    );
  });
});

describe('bad input replayed by the local servers', { timeout: 300_000 }, () => {
  it('keeps every hostile page and item in the raw zone, counts and reports them, and lands the rest', async () => {
    const s = (id: string, over: Record<string, unknown> = {}) => mastodonStatus(id, 'bad.example', over);
    const page = [
      s('109000000000000001'),
      s('109000000000000002', { created_at: '2031-01-01T00:00:00.000Z' }),
      s('109000000000000003', { content: `<p>HUGE ${'x'.repeat(1_048_576)}</p>` }),
      s('109000000000000004', { favourites_count: 'many', reblogs_count: -3 }),
      s('109000000000000005', { account: undefined, uri: undefined }),
      s('109000000000000006', {
        content: '<p>\u202Etxt.exe\u202C שלום עולם <a href="https://bad.example/tags/dataengineering" class="mention hashtag" rel="tag">#dataengineering</a></p>',
        account: { id: '7', username: 'e\u200Bve', acct: 'e\u200Bve', display_name: '\u2067Eve\u2069', url: 'https://bad.example/@eve' },
      }),
      s('109000000000000007', { content: '<p>bytes: XX</p>' }),
      s('109000000000000001', { content: '<p>the same id with other words</p>' }),
    ];
    const bytes = Buffer.from(JSON.stringify(page));
    const at = bytes.indexOf('XX');
    bytes[at] = 0xc3; // a lead byte with no continuation, then a lone continuation byte
    bytes[at + 1] = 0xa9 - 0x40;
    const hostile = await startFakeMastodon(() => [], ({ n }) => (n === 0 ? { status: 200, body: bytes } : undefined));
    const truncated = await startFakeMastodon(() => [], ({ n }) => (n === 0 ? { status: 200, body: JSON.stringify(statusRun(3, 'cut.example')).slice(0, 700) } : undefined));
    const t0 = Date.UTC(2026, 10, 20) / 1000;
    const hn = await startFakeAlgolia(() => [algoliaHit('1', t0), algoliaHit('2', Date.UTC(2030, 0, 1) / 1000), algoliaHit('3', t0 + 60, { author: 42 as unknown as string }), algoliaHit('4', t0 + 120)]);
    servers.push(hostile, truncated, hn);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 1, backoffMs: 20 }
sources:
  - type: mastodon
    instances: [${hostile.url}, ${truncated.url}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`);
    const r = await pulse(['run', '--skip', 'enrich', '--config', ws.config]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mastodon\s+partial\s+2 pages, 3 posts, 5 items rejected, 1 malformed pages kept in raw\//);
    expect(r.stdout).toMatch(/hackernews\s+partial\s+1 pages, 2 posts, 2 items rejected/);
    expect(r.stdout).toMatch(/lake-write\s+3 raw pages → 5 posts/);
    expect(r.stdout).toMatch(/7 items rejected/);
    expect(r.stderr).toMatch(/created_at 2031-01-01T00:00:00.000Z is in the future/);
    expect(r.stderr).toMatch(/over the 100000 a post may have/);
    expect(r.stderr).toMatch(/the same id appears earlier on this page with different content/);
    expect(r.stderr).toMatch(/not valid UTF-8/);

    const { posts, runs } = await warehouse(ws.dir);
    expect(posts.map((p) => p.post_id)).toEqual([
      'hackernews:1',
      'hackernews:4',
      'mastodon:https://bad.example/users/alice/statuses/109000000000000001',
      'mastodon:https://bad.example/users/alice/statuses/109000000000000006',
      'mastodon:https://bad.example/users/alice/statuses/109000000000000007',
    ]);
    const eve = posts[3]!;
    expect(eve.text).toBe('txt.exe שלום עולם #dataengineering');
    expect(eve.author_handle).toBe('eve@bad.example');
    expect(posts[4]!.text).toContain('\uFFFD');
    expect(runs.find((x) => x.step === 'scrape' && x.source === 'mastodon')).toMatchObject({ status: 'partial', rows_rejected: 6n });

    // Everything fetched is in the raw zone as it arrived, the hostile items included.
    const rawDir = path.join(ws.dir, 'data/lake/raw');
    const files = (await readdir(rawDir, { recursive: true })).filter((f) => f.endsWith('.json.gz'));
    expect(files).toHaveLength(3);
    const raw = (await Promise.all(files.map(async (f) => gunzipSync(await readFile(path.join(rawDir, f))).toString('utf8')))).join('\n');
    expect(raw).toContain('HUGE xxxx');
    expect(raw).toContain('2031-01-01T00:00:00.000Z');
    expect(raw).toContain('the same id with other words');
    expect(raw).toContain('"body_text"'); // the truncated page, kept as text
  });
});

