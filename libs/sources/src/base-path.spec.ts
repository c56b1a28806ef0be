import { afterEach, describe, expect, it } from 'vitest';
import { BlueskySource } from './bluesky/source.ts';
import { emptyCursor } from './cursor.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { MastodonSource } from './mastodon/source.ts';
import { RedditSource } from './reddit/source.ts';
import { StackexchangeSource } from './stackexchange/source.ts';
import { startFakeAlgolia } from './testing/fake-algolia.ts';
import { startFakeBluesky } from './testing/fake-bluesky.ts';
import { startFakeMastodon } from './testing/fake-mastodon.ts';
import { startFakeReddit } from './testing/fake-reddit.ts';
import { startFakeStackexchange } from './testing/fake-stackexchange.ts';
import { startFakeX } from './testing/fake-x.ts';
import { algoliaHit, statusRun } from './testing/fixtures.ts';
import { blueskyRun } from './testing/fixtures-bluesky.ts';
import { redditRun } from './testing/fixtures-reddit.ts';
import { seRun } from './testing/fixtures-stackexchange.ts';
import { xRun, xUsers } from './testing/fixtures-x.ts';
import { scrapeForTest, testContext } from './testing/scrape.ts';
import { mountUnder, type ReplayServer } from './testing/server.ts';
import type { Source } from './types.ts';
import { XSource } from './x/source.ts';

// Issue 19 item 10: an instance or baseUrl with a path (a proxy, an API gateway) must keep it:
// every request goes under the prefix, none to the host's root.

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const PREFIX = '/gateway/v2';
const since = new Date('2026-01-01T00:00:00Z');
const secs = Date.UTC(2026, 10, 20) / 1000;

/** The fake API mounted under PREFIX of a proxy; the proxy's `url` is the base URL with its path. */
async function mounted(upstream: ReplayServer): Promise<ReplayServer> {
  servers.push(upstream);
  const proxy = await mountUnder(PREFIX, upstream);
  servers.push(proxy);
  return proxy;
}

async function expectAllUnderPrefix(src: Source, proxy: ReplayServer, posts: number, env: NodeJS.ProcessEnv = {}) {
  const r = await scrapeForTest(src, emptyCursor(), { env, since });
  expect(proxy.requests.map((u) => u.pathname).filter((p) => !p.startsWith(`${PREFIX}/`))).toEqual([]);
  expect(r.outcome).toMatchObject({ stoppedBy: 'caught-up', problems: [] });
  expect(new Set(r.ids).size).toBe(posts);
  expect(r.outcome.pages).toBeGreaterThan(1);
  return r;
}

describe('a base URL with a path', () => {
  it('mastodon: the instance URL and a baseUrl keep their path, also when the Link header names the upstream host', async () => {
    const proxy = await mounted(await startFakeMastodon(() => statusRun(60, 'mastodon.social')));
    expect(proxy.url).toMatch(new RegExp(`${PREFIX}$`));
    const byInstance = new MastodonSource({ type: 'mastodon', instances: [`${proxy.url}/`], tags: ['dataengineering'], enabled: true });
    await expectAllUnderPrefix(byInstance, proxy, 60);
    const byBase = new MastodonSource({ type: 'mastodon', instances: ['https://mastodon.social'], tags: ['dataengineering'], enabled: true, baseUrl: proxy.url });
    await expectAllUnderPrefix(byBase, proxy, 60);
    await expect(byBase.check(testContext())).resolves.toMatch(/^127\.0\.0\.1:\d+ answers/);
    expect(proxy.requests.at(-1)!.pathname).toBe(`${PREFIX}/api/v1/timelines/tag/dataengineering`);
  });

  it('hackernews', async () => {
    const proxy = await mounted(await startFakeAlgolia(() => Array.from({ length: 150 }, (_, i) => algoliaHit(String(30000000 + i), secs + i * 60))));
    await expectAllUnderPrefix(new HackernewsSource({ type: 'hackernews', queries: ['data engineering'], tags: ['story'], enabled: true, baseUrl: proxy.url }), proxy, 150);
  });

  it('bluesky', async () => {
    const env = { BLUESKY_HANDLE: 'me.bsky.social', BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' };
    const posts = blueskyRun(150, new Date('2026-11-20T00:00:00Z'));
    const proxy = await mounted(await startFakeBluesky({ handle: env.BLUESKY_HANDLE, password: env.BLUESKY_APP_PASSWORD, posts: () => posts }));
    await expectAllUnderPrefix(new BlueskySource({ type: 'bluesky', tags: ['dataengineering'], queries: [], enabled: true, baseUrl: proxy.url }), proxy, 150, env);
  });

  it('reddit: baseUrl and authUrl', async () => {
    const env = { REDDIT_CLIENT_ID: 'id', REDDIT_CLIENT_SECRET: 'secret' };
    const links = redditRun(150, secs);
    const proxy = await mounted(await startFakeReddit({ clientId: env.REDDIT_CLIENT_ID, clientSecret: env.REDDIT_CLIENT_SECRET, links: () => links }));
    await expectAllUnderPrefix(new RedditSource({ type: 'reddit', subreddits: ['dataengineering'], enabled: true, baseUrl: proxy.url, authUrl: proxy.url }), proxy, 150, env);
    expect(proxy.requests[0]!.pathname).toBe(`${PREFIX}/api/v1/access_token`);
  });

  it('x', async () => {
    const env = { X_BEARER_TOKEN: 'test-token' };
    const tweets = xRun(150, new Date(Date.now() - 2 * 86_400_000));
    const proxy = await mounted(await startFakeX({ token: env.X_BEARER_TOKEN, tweets: () => tweets, users: xUsers }));
    await expectAllUnderPrefix(new XSource({ type: 'x', queries: ['#dataengineering'], enabled: true, baseUrl: proxy.url }), proxy, 150, env);
  });

  it('stackexchange', async () => {
    const questions = seRun(150, secs);
    const proxy = await mounted(await startFakeStackexchange({ questions: () => questions }));
    await expectAllUnderPrefix(
      new StackexchangeSource({ type: 'stackexchange', tags: ['data-engineering'], site: 'stackoverflow', enabled: true, baseUrl: proxy.url }),
      proxy,
      150,
    );
  });
});
