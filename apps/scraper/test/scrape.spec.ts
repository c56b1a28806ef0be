import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@social-pulse/config';
import { decodeSidecar, LocalStore, rawFilesAfter, StateError } from '@social-pulse/lake';
import { silentLogger } from '@social-pulse/runtime';
import { RAW_PAGE_SUFFIX } from '@social-pulse/schema';
import { normalizerStamp } from '@social-pulse/sources';
import { algoliaHit, startFakeAlgolia, startFakeMastodon, startScriptedPaging, statusRun, type ReplayServer } from '@social-pulse/sources/testing';
import { scrape } from '../src/scrape.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(server: ReplayServer, limit?: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-scraper-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(
    file,
    `lake: ./lake\nwarehouse: duckdb:./wh.duckdb\nsince: 2026-11-01\nhttp: { retries: 1, backoffMs: 10 }\n` +
      `sources:\n  - type: mastodon\n    instances: [${server.url}]\n    tags: [dataengineering]\n${limit ? `    limit: ${limit}\n` : ''}`,
  );
  const config = await loadConfig(file);
  const ctx = (runId: string) => ({ config, runId, log: silentLogger, env: {}, signal: new AbortController().signal });
  return { dir, ctx };
}

/** The statuses of every raw page landed so far, by page (pages only: their sidecars land beside them). */
async function rawPages(dir: string): Promise<{ id: string }[][]> {
  const entries = await readdir(path.join(dir, 'lake', 'raw'), { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && e.name.endsWith(RAW_PAGE_SUFFIX)).map((e) => path.join(e.parentPath, e.name)).sort();
  return Promise.all(files.map(async (f) => (JSON.parse(gunzipSync(await readFile(f)).toString('utf8')) as { body: { id: string }[] }).body));
}

describe('scrape step', () => {
  it('lands every page in the raw zone, keeps a cursor, and fetches only what is new next time', async () => {
    let statuses = statusRun(90, 'example.social');
    const server = await startFakeMastodon(() => statuses);
    cleanups.push(() => server.close());
    const { dir, ctx } = await setup(server);

    const first = await scrape(ctx('20261124T000000Z-aaaaaa'));
    expect(first.status).toBe('ok');
    expect(first.rowsOut).toBe(90);
    const pages = await rawPages(dir);
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([40, 40, 10]);
    expect(new Set(pages.flat().map((s) => s.id)).size).toBe(90);
    const cursors = JSON.parse(await readFile(path.join(dir, 'lake', '_state', 'cursors.json'), 'utf8')) as { sources: Record<string, unknown> };
    expect(Object.keys(cursors.sources)).toEqual(['mastodon']);

    statuses = [...statuses, ...statusRun(5, 'example.social', 109000000000002000n)];
    const requestsBefore = server.requests.length;
    const second = await scrape(ctx('20261124T010000Z-bbbbbb'));
    expect(second.rowsOut).toBe(5);
    const all = (await rawPages(dir)).flat().map((s) => s.id);
    expect(all).toHaveLength(95);
    expect(new Set(all).size).toBe(95);
    // The second run asked for what is newer than its cursor, and stopped there.
    expect(server.requests.length - requestsBefore).toBeLessThanOrEqual(2);
  });

  it('lands beside each page its sidecar: the posts it counted, stamped with the running normalizer and the size of the page', async () => {
    const server = await startFakeMastodon(() => statusRun(90, 'example.social'));
    cleanups.push(() => server.close());
    const { dir, ctx } = await setup(server);
    const report = await scrape(ctx('20261124T000000Z-aaaaaa'));
    expect(report.rowsOut).toBe(90);
    const store = new LocalStore(path.join(dir, 'lake'));
    const files = await rawFilesAfter(store, undefined);
    expect(files.length).toBe(report.rowsIn);
    const headers = await Promise.all(files.map(async (f) => decodeSidecar(await store.read(f.sidecar!.key))!.header));
    expect(headers.slice(0, 3).map((h) => h.posts)).toEqual([40, 40, 10]);
    expect(headers.reduce((n, h) => n + h.posts, 0)).toBe(90);
    expect(headers.every((h, i) => h.stamp === normalizerStamp('mastodon') && h.pageBytes === files[i]!.size)).toBe(true);
    expect(headers.flatMap((h) => h.observations)).toHaveLength(90);
  });

  it('stops at the per-run limit and fills the gap in the next run, losing nothing', async () => {
    const statuses = statusRun(100, 'example.social');
    const server = await startFakeMastodon(() => statuses);
    cleanups.push(() => server.close());
    const { ctx } = await setup(server, 40);
    const a = await scrape(ctx('20261124T000000Z-aaaaaa'));
    const b = await scrape(ctx('20261124T010000Z-bbbbbb'));
    const c = await scrape(ctx('20261124T020000Z-cccccc'));
    const d = await scrape(ctx('20261124T030000Z-dddddd'));
    expect([a.rowsOut, b.rowsOut, c.rowsOut, d.rowsOut]).toEqual([40, 40, 20, 0]);
  });

  it('stops a query whose server pages in circles, and one at its page cap, and goes on with the rest', async () => {
    const looping = await startScriptedPaging('mastodon', (n) => ({ items: [2 * n, 2 * n + 1], next: 'same' }));
    const healthy = await startFakeMastodon(() => statusRun(50, 'example.social'));
    const t0 = Date.UTC(2026, 10, 20) / 1000;
    const hits = Array.from({ length: 350 }, (_, i) => algoliaHit(String(30000000 + i), t0 + i * 60));
    const algolia = await startFakeAlgolia(() => hits);
    cleanups.push(() => looping.close(), () => healthy.close(), () => algolia.close());
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-scraper-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'pulse.config.yaml');
    await writeFile(
      file,
      `lake: ./lake\nwarehouse: duckdb:./wh.duckdb\nsince: 2026-11-01\nhttp: { retries: 1, backoffMs: 10 }\n` +
        `sources:\n  - type: mastodon\n    instances: [${looping.url}, ${healthy.url}]\n    tags: [dataengineering]\n` +
        `  - type: hackernews\n    queries: ["data engineering"]\n    baseUrl: ${algolia.url}\n    maxPages: 3\n`,
    );
    const config = await loadConfig(file);
    expect(config.maxPages).toBe(200);
    const report = await scrape({ config, runId: '20261124T000000Z-aaaaaa', log: silentLogger, env: {}, signal: new AbortController().signal });

    expect(looping.pageRequests).toBe(2);
    const mastodon = report.perSource!.find((p) => p.source === 'mastodon')!;
    expect(mastodon).toMatchObject({ status: 'partial', rows_out: 4 + 50 });
    expect(mastodon.error).toMatch(/^#dataengineering: paging stopped after 2 pages: the server sent the next-page cursor "max_id=same" twice/);
    const hn = report.perSource!.find((p) => p.source === 'hackernews')!;
    expect(hn).toMatchObject({ status: 'ok', rows_in: 3, rows_out: 300 });
    expect(hn.error).toBe('data engineering: stopped at 3 pages (maxPages); the rest waits for the next run');
    expect(report.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}mastodon +partial +5 pages, 54 posts, paging loop stopped on 1 query$/),
        expect.stringMatching(/^ {2}hackernews +ok +3 pages, 300 posts, page cap reached on 1 query \(the rest next run\)$/),
      ]),
    );
    expect(report.status).toBe('partial');
  });

  it('gives up quickly on a host that does not resolve, says so, and goes on', async () => {
    const healthy = await startFakeMastodon(() => statusRun(30, 'example.social'));
    cleanups.push(() => healthy.close());
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-scraper-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'pulse.config.yaml');
    // `.invalid` names never resolve (RFC 6761); the test guard answers ENOTFOUND for them itself.
    // backoffMs is the default one second: five backoffs from it would take over 30 s.
    await writeFile(
      file,
      `lake: ./lake\nwarehouse: duckdb:./wh.duckdb\nsince: 2026-11-01\nhttp: { retries: 5 }\n` +
        `sources:\n  - type: mastodon\n    instances: [http://mastodon.example.invalid, ${healthy.url}]\n    tags: [dataengineering, dataops]\n` +
        `  - type: hackernews\n    queries: ["data engineering", "duckdb"]\n    baseUrl: http://hn.example.invalid/algolia\n`,
    );
    const config = await loadConfig(file);
    const report = await scrape({ config, runId: '20261124T000000Z-aaaaaa', log: silentLogger, env: {}, signal: new AbortController().signal });

    const hn = report.perSource!.find((p) => p.source === 'hackernews')!;
    expect(hn).toMatchObject({ status: 'failed', retries: 1 });
    expect(hn.error).toBe(
      'data engineering: host not found: hn.example.invalid (ENOTFOUND, GET http://hn.example.invalid/algolia/api/v1/search_by_date; retried once, not asked again this run); ' +
        'duckdb: host not found: hn.example.invalid (ENOTFOUND, GET http://hn.example.invalid/algolia/api/v1/search_by_date; not asked again this run)',
    );
    const mastodon = report.perSource!.find((p) => p.source === 'mastodon')!;
    expect(mastodon).toMatchObject({ status: 'partial', rows_out: 30, retries: 1 });
    expect(mastodon.error).toMatch(/^#dataengineering: host not found: mastodon\.example\.invalid \(ENOTFOUND, GET http:\/\/mastodon\.example\.invalid\/api\/v1\/timelines\/tag\/dataengineering; retried once/);
    expect(report.lines).toContain(`  ${''.padEnd(14)} ${hn.error}`);
  });

  it('refuses a cursors document of the wrong shape, naming the file and the fix, and fetches nothing', async () => {
    const server = await startFakeMastodon(() => statusRun(5, 'example.social'));
    cleanups.push(() => server.close());
    const { dir, ctx } = await setup(server);
    const file = path.join(dir, 'lake', '_state', 'cursors.json');
    await mkdir(path.dirname(file), { recursive: true });
    for (const [text, why] of [
      ['null', /the document: expected object, received null/],
      ['{"version": 1, "sources": {"mastodon": {"q": {"gaps": "none"}}}}', /sources\.mastodon\.q\.gaps: expected array, received string/],
    ] as const) {
      await writeFile(file, text);
      const err = await scrape(ctx('20261124T000000Z-aaaaaa')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StateError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toMatch(/To recover: delete it/);
    }
    expect(server.requests).toHaveLength(0);
  });
});
