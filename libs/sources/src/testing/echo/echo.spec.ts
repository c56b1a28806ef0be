import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyCursor } from '../../cursor.ts';
import { loadDefinition } from '../../definition.ts';
import { SOURCE_DEFINITIONS } from '../../definitions.ts';
import { SOURCES } from '../../list.ts';
import { refreshPosts, type RefreshPage } from '../../refresh.ts';
import { refresherFor } from '../../refreshers.ts';
import { createSources, normalizeRawPage } from '../../registry.ts';
import type { Source } from '../../types.ts';
import { scrapeForTest, testContext } from '../scrape.ts';
import type { ReplayServer } from '../server.ts';
import type { EchoItem } from './api.ts';
import { sourcesConfigOf } from '../sample-entries.ts';
import { echo } from './index.ts';
import { startFakeEcho } from './fake.ts';

/**
 * "Adding a source is one folder under libs/sources plus one line in the definitions list":
 * Echo is such a folder (testing/echo: its spec in index.ts, its runtime in runtime.ts), and
 * the tests give each derived list the lists with Echo added, through that list's parameter.
 * Nothing else names it, and every place a source must appear takes it (the configuration's
 * lists: libs/config/src/echo.spec.ts).
 */
const specs = [...SOURCES, echo];
const definitions = [...SOURCE_DEFINITIONS, await loadDefinition(echo)];
const TOKEN = { ECHO_TOKEN: 'echo-token-1' };

const items: EchoItem[] = [1, 2, 3, 4, 5].map((i) => ({
  id: String(100 + i),
  text: `item ${i} about #DataEngineering`,
  at: `2026-11-2${i}T10:00:00.000Z`,
  author: `author${i}`,
  likes: i,
}));

const servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const configWith = (entry: Record<string, unknown>) => sourcesConfigOf(specs, [{ type: 'echo', channels: ['general'], ...entry }]);

describe('a source that exists only in the tests (Echo) appears everywhere a source must', () => {
  it('is skipped by the registry, with its how-to, while its credential is unset or it is disabled', () => {
    const config = configWith({});
    expect(createSources(config, {}, definitions)).toEqual([
      { kind: 'skipped', name: 'echo', reason: 'ECHO_TOKEN not set: set ECHO_TOKEN (any value: the fake Echo server takes it)' },
    ]);
    expect(createSources(configWith({ enabled: false }), TOKEN, definitions)[0]).toMatchObject({ kind: 'skipped', reason: 'disabled in the configuration (enabled: false)' });
  });

  it('is created by the registry and scraped through the engine; the lake writer reaches its normalizer', async () => {
    const server = await startFakeEcho(items);
    servers.push(server);
    const [status] = createSources(configWith({ baseUrl: server.url }), TOKEN, definitions);
    expect(status?.kind).toBe('ready');
    const source = (status as { source: Source }).source;
    expect(source.name).toBe('echo');
    const { posts, landed, outcome } = await scrapeForTest(source, emptyCursor(), { env: TOKEN });
    expect(outcome).toMatchObject({ stoppedBy: 'caught-up', pages: 3, posts: 5, rejected: 0, problems: [] });
    expect(posts.map((p) => p.post_id)).toEqual(['echo:105', 'echo:104', 'echo:103', 'echo:102', 'echo:101']);
    expect(landed.length).toBe(3); // two a page
    expect(server.headers.every((h) => h.authorization === 'Bearer echo-token-1')).toBe(true);
    for (const page of landed) {
      // The lake writer's entry point, given the definitions, reads the page as the scraper did.
      expect(normalizeRawPage(page.raw, definitions)).toEqual(page.normalized);
      // The production list does not know Echo.
      expect(normalizeRawPage(page.raw).pageError).toBe('no normalizer for source "echo"');
    }
    expect(posts[0]).toMatchObject({ source: 'echo', hashtags: ['dataengineering'], like_count: 5, queries: ['general'] });
  });

  it('has its batch lookup found by refresherFor, and its refresh pages read through its reshape and normalizer', async () => {
    const server = await startFakeEcho(items, { gone: ['103'] });
    servers.push(server);
    const [status] = createSources(configWith({ baseUrl: server.url }), TOKEN, definitions);
    const source = (status as { source: Source }).source;
    expect(refresherFor(source)).toBeUndefined();
    const refresher = refresherFor(source, definitions)!;
    expect(refresher.batchSize).toBe(2);
    const targets = ['105', '104', '103'].map((id) => ({ post_id: `echo:${id}`, native_id: id, kind: 'post', created_at: `2026-11-2${Number(id) - 100}T10:00:00.000Z`, extra: null }));
    const landed: RefreshPage[] = [];
    const out = await refreshPosts('echo' as Source['name'], refresher, targets, testContext(TOKEN), { maxRequests: 3, land: async (p) => void landed.push(p), definitions });
    expect(out).toMatchObject({ requests: 2, pages: 2, asked: 3, observed: 2, deleted: 1, skipped: 0, problems: [] });
    // The first lookup asked for the two newest (the server answers in its own order), the second for 103, which is gone.
    expect(landed.map((p) => p.normalized.posts.map((x) => [x.post_id, x.queries]))).toEqual([
      [
        ['echo:104', []],
        ['echo:105', []],
      ],
      [],
    ]);
    expect(landed[1]!.normalized.deleted).toEqual(['echo:103']);
    // The lake writer reads the landed refresh page the same way.
    expect(normalizeRawPage(landed[1]!.raw, definitions)).toEqual(landed[1]!.normalized);
  });
});

describe('Echo needs nothing outside its folder', () => {
  it('is named by no production file of the workspace (only tests and testing helpers add it)', async () => {
    const root = path.resolve(import.meta.dirname, '../../../../..');
    const production = async function* (dir: string): AsyncGenerator<string> {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!['node_modules', 'dist', 'testing', 'test', '__snapshots__'].includes(e.name)) yield* production(p);
        } else if (/\.(ts|mjs)$/.test(e.name) && !/\.spec\.ts$/.test(e.name)) yield p;
      }
    };
    const named: string[] = [];
    let files = 0;
    for (const top of ['libs', 'apps', 'infra', 'tools']) {
      for await (const file of production(path.join(root, top))) {
        files++;
        if (/['"`]echo['"`]|\bEcho[A-Z]?\w*\b|ECHO_/.test(await readFile(file, 'utf8'))) named.push(path.relative(root, file));
      }
    }
    expect(files).toBeGreaterThan(100);
    expect(named).toEqual([]);
  });
});
