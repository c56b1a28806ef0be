import { credentialsOf, refreshRequestsOf, resolveConfig, secretValues, type Config, type ConfigError } from '@social-pulse/config';
import { SOURCE_SPECS } from '@social-pulse/schema';
import { echoSpec } from '@social-pulse/schema/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyCursor } from '../../cursor.ts';
import { SOURCE_DEFINITIONS } from '../../definitions.ts';
import { refreshPosts, type RefreshPage } from '../../refresh.ts';
import { refresherFor } from '../../refreshers.ts';
import { createSources, normalizeRawPage } from '../../registry.ts';
import type { Source } from '../../types.ts';
import { scrapeForTest, testContext } from '../scrape.ts';
import type { ReplayServer } from '../server.ts';
import type { EchoItem } from './api.ts';
import { echo } from './definition.ts';
import { startFakeEcho } from './fake.ts';

/**
 * "Adding a source is one folder under libs/sources plus one line in the definitions list":
 * Echo is such a folder (testing/echo, with its spec in libs/schema/src/testing), and the
 * tests give each derived list the lists with Echo added, through that list's parameter.
 * Nothing else names it, and every place a source must appear takes it.
 */
const specs = [...SOURCE_SPECS, echoSpec];
const definitions = [...SOURCE_DEFINITIONS, echo];
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

const configWith = (entry: Record<string, unknown>): Config =>
  resolveConfig({ sources: [{ type: 'echo', channels: ['general'], ...entry }] }, '<test>', { env: {}, sources: specs });

describe('a source that exists only in the tests (Echo) appears everywhere a source must', () => {
  it('is accepted by the configuration given the specs, with its own fields, defaults and messages', () => {
    const c = configWith({ baseUrl: 'http://127.0.0.1:9' });
    expect(c.sources[0]).toMatchObject({ type: 'echo', channels: ['general'], pageSize: 2, enabled: true, baseUrl: 'http://127.0.0.1:9' });
    // Without the specs, the production list: Echo is an unknown type, and the message lists the build's sources.
    expect(() => resolveConfig({ sources: [{ type: 'echo', channels: ['general'] }] }, '<test>', { env: {} })).toThrow(
      /sources\[0\]\.type: expected type to be one of mastodon, hackernews, bluesky, reddit, x, stackexchange$/m,
    );
    const problems = (doc: unknown) => {
      try {
        resolveConfig(doc, '<test>', { env: {}, sources: specs });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ sources: [{ type: 'nope' }] })).toEqual(['sources[0].type: expected type to be one of mastodon, hackernews, bluesky, reddit, x, stackexchange, echo']);
    expect(problems({ sources: [{ type: 'echo', channels: [], pageSize: 99 }] })).toEqual([
      'sources[0].channels: expected at least one entry',
      'sources[0].pageSize: Too big: expected number to be <=50',
    ]);
    // A URL that carries a credential is refused, naming where Echo's goes instead.
    expect(problems({ sources: [{ type: 'echo', channels: ['a'], baseUrl: 'http://u:p@127.0.0.1/' }] })[0]).toMatch(/credentials come only from the environment; set ECHO_TOKEN$/);
    // Its refresh budget is a key of refresh.maxRequests.
    expect(problems({ refresh: { maxRequests: { echo: 2 } } })).toEqual([]);
    expect(refreshRequestsOf(specs)).toMatchObject({ echo: 3, mastodon: 20 });
  });

  it('is in the credential table: its variables are required, masked, and named with its how-to', () => {
    const table = credentialsOf(specs);
    expect(table.echo).toBe(echoSpec.credentials);
    expect(secretValues({ ECHO_TOKEN: 'echo-secret', ECHO_QUOTA_KEY: 'quota-secret', HOME: '/root' }, table).sort()).toEqual(['echo-secret', 'quota-secret']);
    expect(secretValues({ ECHO_QUOTA_KEY: 'quota-secret' }).sort()).toEqual(['quota-secret']); // *_KEY is masked anyway
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
