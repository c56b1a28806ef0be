import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import {
  algoliaHit,
  awkwardBlueskyPosts,
  awkwardQuestions,
  awkwardRedditLinks,
  awkwardStatuses,
  awkwardTweets,
  blueskyRun,
  redditRun,
  fakeCredentials,
  seRun,
  startSixFakes,
  statusRun,
  xRun,
  type ReplayServer,
} from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const fakeCreds = fakeCredentials('e2e');
const creds = { ...fakeCreds.env, STACKEXCHANGE_KEY: '' };

async function warehouse(dir: string) {
  const { db, conn } = await openDuckDB(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
  try {
    const posts = await queryRows<{ post_id: string; source: string; url: string; author_handle: string; text: string; title: string | null; kind: string; parent_id: string | null; queries: string[] }>(
      conn,
      'SELECT post_id, source, url, author_handle, text, title, kind, parent_id, queries FROM posts ORDER BY post_id',
    );
    const runs = await queryRows<{ step: string; source: string; status: string; error: string | null }>(conn, "SELECT step, source, status, error FROM pipeline_runs WHERE step = 'scrape'");
    return { posts, runs };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('pulse run with all six sources on local fakes', { timeout: 240_000 }, () => {
  it('lands every post once and complete; a missing credential skips only its source; the run is partial, exit 0', async () => {
    // X's recent search reaches 7 days back from the real clock: date everything from it.
    const now = Date.now();
    const t0 = new Date(now - 3 * 86_400_000);
    const s0 = Math.floor(t0.getTime() / 1000);
    const { hits, originals } = awkwardTweets(t0);
    const fakes = await startSixFakes(
      {
        mastodon: () => [...awkwardStatuses('mastodon.social'), ...statusRun(10, 'mastodon.social')],
        hackernews: () => [algoliaHit('41000001', s0), algoliaHit('41000002', s0 + 60)],
        bluesky: () => [...awkwardBlueskyPosts(t0), ...blueskyRun(120, t0)],
        blueskyOptions: { accessUses: 1 },
        x: () => [...hits, ...xRun(20, t0)],
        xOptions: { referenced: () => originals },
        reddit: () => [...awkwardRedditLinks(s0), ...redditRun(110, s0)],
        stackexchange: () => [...awkwardQuestions(s0), ...seRun(130, s0)],
      },
      fakeCreds,
    );
    servers.push(...fakes.all);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 30d
http: { retries: 2, backoffMs: 20 }
${fakes.sourcesYaml}`);
    // Reddit's secret is missing: only Reddit is skipped.
    const r = await pulse(['run', '--skip', 'enrich', '--config', ws.config], { ...creds, REDDIT_CLIENT_SECRET: '' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reddit\s+skipped: REDDIT_CLIENT_SECRET not set: set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET \(.*reddit\.com\/prefs\/apps\)/);
    for (const s of ['mastodon', 'hackernews', 'bluesky', 'stackexchange']) expect(r.stdout).toMatch(new RegExp(`${s}\\s+ok\\s+\\d+ pages, \\d+ posts`));
    // X reports the partial error (a retweet of a deleted tweet) but lands the page.
    expect(r.stdout).toMatch(/x\s+ok\s+\d+ pages, 26 posts/);
    expect(r.stdout).toMatch(/partial error: Not Found Error/);
    expect(r.stdout).toMatch(/run .*: partial/);
    expect(fakes.reddit.requests).toHaveLength(0);
    expect(fakes.bluesky.refreshes).toBeGreaterThanOrEqual(1);

    const { posts, runs } = await warehouse(ws.dir);
    const count = (s: string) => posts.filter((p) => p.source === s).length;
    expect(new Set(posts.map((p) => p.post_id)).size).toBe(posts.length);
    expect(count('mastodon')).toBe(15);
    expect(count('hackernews')).toBe(2);
    expect(count('bluesky')).toBe(125);
    expect(count('x')).toBe(26); // 25 hits + the original of a retweet
    expect(count('stackexchange')).toBe(133);
    expect(count('reddit')).toBe(0);
    for (const p of posts) {
      expect(p.url).toMatch(/^https:\/\//);
      expect(p.author_handle).not.toBe('');
      expect(p.queries.length).toBeGreaterThan(0);
    }
    expect(posts.find((p) => p.source === 'x' && p.kind === 'repost' && p.parent_id)).toBeTruthy();
    expect(posts.find((p) => p.text === 'هندسة البيانات رائعة #dataengineering ✨')).toMatchObject({ source: 'bluesky', kind: 'reply' });
    expect(posts.find((p) => p.post_id === 'stackexchange:stackoverflow:78000002')).toMatchObject({ title: 'Как построить конвейер данных на Airflow?' });
    expect(runs.find((x) => x.source === 'reddit')).toMatchObject({ status: 'skipped', error: expect.stringMatching(/REDDIT_CLIENT_SECRET/) });

    // With the secret set, Reddit runs too; the others fetch nothing new and nothing doubles.
    const again = await pulse(['run', '--skip', 'enrich', '--config', ws.config], creds);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/reddit\s+ok\s+\d+ pages, 113 posts/);
    const after = await warehouse(ws.dir);
    expect(after.posts).toHaveLength(posts.length + 113);
    expect(new Set(after.posts.map((p) => p.post_id)).size).toBe(after.posts.length);
    // Credentials never reach the lake or the warehouse.
    expect(JSON.stringify(after)).not.toMatch(/gko_LXELoV07|abcd-efgh|e2e%2Ftoken|eyJ\./);
  });
});
