/**
 * Engagement history end to end (issue 15): `pulse run` twice over local fakes of all six
 * sources, with counts that grow between the runs. The second run's refresh re-reads the
 * counts through each API's batch lookup; its pages land in raw/ (secrets scrubbed), each
 * observation becomes a post_metrics row, a deleted post is recorded as such, the budget
 * holds, and the grown posts move to the top of "Rising now".
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import {
  algoliaHit,
  blueskyPost,
  redditLink,
  fakeCredentials,
  seQuestion,
  startSixFakes,
  statusRun,
  xTweet,
  type ReplayServer,
  type StatusJson,
} from '@social-pulse/sources/testing';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFilters } from '../src/filters.ts';
import { loadDashboard } from '../src/panels.ts';

const PULSE = fileURLToPath(new URL('../../cli/bin/pulse.mjs', import.meta.url));
const LIMIT_MS = Number(process.env.PULSE_E2E_LIMIT_MS) || 900_000;
const servers: ReplayServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

const fakeCreds = fakeCredentials('refresh');
const creds = fakeCreds.env;

async function pulseRun(config: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [PULSE, 'run', '--skip', 'enrich', '--config', config], {
    env: { ...process.env, PULSE_LOG_LEVEL: 'warn', ...creds },
    timeout: LIMIT_MS,
    maxBuffer: 20 * 1024 * 1024,
  });
  return stdout;
}

describe('pulse run twice with growing counts on all six sources', { timeout: 600_000 }, () => {
  it('records every observation, the deletions and the grown posts at the top of Rising now', async () => {
    // Everything is dated from the real clock: the refresh reads posts younger than 48 h.
    const t0 = Date.now() - 2 * 3600e3;
    const at = (i: number) => new Date(t0 + i * 60e3);
    const s = (i: number) => Math.floor(at(i).getTime() / 1000);
    // Mastodon has 25 statuses and a budget of one request (20 statuses): the 5 oldest wait.
    const statuses: StatusJson[] = statusRun(25, 'mastodon.social').map((x, i) => ({ ...x, created_at: at(i).toISOString() }));
    const hits = [0, 1, 2].map((i) => algoliaHit(String(41_500_000 + i), s(i)));
    const skeets = [0, 1, 2].map((i) => blueskyPost(`3lrf${i}`, at(i)));
    const tweets = [0, 1, 2].map((i) => xTweet(at(i), 500 + i));
    const links = [0, 1, 2].map((i) => redditLink(1_700_000_000 + i, s(i)));
    const questions = [0, 1, 2].map((i) => seQuestion(79_300_000 + i, s(i)));
    const fakes = await startSixFakes(
      {
        mastodon: () => statuses,
        hackernews: () => hits,
        bluesky: () => skeets,
        // The fake writes the session tokens into the first post it returns: they must not reach the lake.
        blueskyOptions: { echoSession: true },
        x: () => tweets,
        reddit: () => links,
        stackexchange: () => questions,
      },
      fakeCreds,
    );
    const { mastodon, bluesky: bsky } = fakes;
    servers.push(...fakes.all);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-refresh-'));
    const config = path.join(dir, 'pulse.config.yaml');
    await writeFile(config, `lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 30d
http: { retries: 2, backoffMs: 20 }
refresh: { window: 48h, maxRequests: { mastodon: 1 } }
${fakes.sourcesYaml}`);
    await pulseRun(config);

    // Between the runs: one post of each source gains engagement (the oldest, or for Mastodon
    // one within its budget), and one is deleted.
    const grown = ['mastodon:https://mastodon.social/users/alice/statuses/109000000000001022', 'hackernews:41500000', `bluesky:${skeets[0]!.uri}`, `x:${tweets[0]!.id}`, `reddit:${links[0]!.id}`, 'stackexchange:stackoverflow:79300000'];
    const deleted = ['mastodon:https://mastodon.social/users/alice/statuses/109000000000001023', 'hackernews:41500001', `bluesky:${skeets[1]!.uri}`, `x:${tweets[1]!.id}`, `reddit:${links[1]!.id}`, 'stackexchange:stackoverflow:79300001'];
    statuses[22] = { ...statuses[22]!, favourites_count: 300 };
    statuses.splice(23, 1);
    hits[0] = { ...hits[0]!, points: 400 };
    hits.splice(1, 1);
    skeets[0] = { ...skeets[0]!, likeCount: 500 };
    skeets.splice(1, 1);
    tweets[0] = { ...tweets[0]!, public_metrics: { ...(tweets[0]!.public_metrics as object), like_count: 900 } };
    tweets.splice(1, 1);
    links[0] = { ...links[0]!, score: 700 };
    links[1] = { ...links[1]!, removed_by_category: 'deleted', author: '[deleted]', selftext: '[deleted]' };
    questions[0] = { ...questions[0]!, score: 80 };
    questions.splice(1, 1);

    const mastodonBefore = mastodon.requests.length;
    const out = await pulseRun(config);
    expect(out).toMatch(/mastodon\s+ok .*; refreshed 19 posts in 1 request, 1 deleted, older posts wait for the next run/);
    for (const src of ['hackernews', 'bluesky', 'x', 'reddit', 'stackexchange']) expect(out).toMatch(new RegExp(`${src}\\s+ok .*; refreshed 2 posts in 1 request, 1 deleted$`, 'm'));
    // The budget: one search page (nothing new) and one lookup.
    expect(mastodon.requests.slice(mastodonBefore).filter((u) => u.pathname === '/api/v1/statuses')).toHaveLength(1);
    expect(bsky.requests.some((u) => u.pathname === '/xrpc/app.bsky.feed.getPosts')).toBe(true);

    // Every refresh response landed in raw/, with the tokens the fake echoed scrubbed.
    const rawDir = path.join(dir, 'data/lake/raw');
    const files = (await readdir(rawDir, { recursive: true })).filter((f) => f.endsWith('.json.gz'));
    const pages = await Promise.all(files.map(async (f) => gunzipSync(await readFile(path.join(rawDir, f))).toString('utf8')));
    const refreshPages = pages.map((p) => JSON.parse(p) as { meta: { source: string; query: string; refresh?: string[] } }).filter((p) => p.meta.query === 'refresh');
    expect(new Set(refreshPages.map((p) => p.meta.source))).toEqual(new Set(['mastodon', 'hackernews', 'bluesky', 'x', 'reddit', 'stackexchange']));
    expect(pages.join('\n')).not.toMatch(/eyJ\.(access|refresh)-\d|gko_LXELoV07|abcd-efgh|refresh%2Ftoken/);
    expect(pages.some((p) => p.includes('getPosts') && p.includes('[session'))).toBe(true);

    // post_metrics: two observations of each grown post (growing), one deleted row per source.
    const { db, conn } = await openDuckDB(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
    try {
      const rows = await queryRows<{ post_id: string; n: bigint; first: bigint; last: bigint }>(
        conn,
        `SELECT post_id, count(*) AS n,
                arg_min(COALESCE(like_count, 0) + COALESCE(score, 0), observed_at) AS first, arg_max(COALESCE(like_count, 0) + COALESCE(score, 0), observed_at) AS last
         FROM post_metrics WHERE NOT deleted GROUP BY post_id`,
      );
      const byId = new Map(rows.map((r) => [r.post_id, r]));
      for (const id of grown) {
        expect(Number(byId.get(id)?.n), id).toBeGreaterThanOrEqual(2);
        expect(Number(byId.get(id)!.last), id).toBeGreaterThan(Number(byId.get(id)!.first));
      }
      const gone = await queryRows<{ post_id: string }>(conn, 'SELECT post_id FROM post_metrics WHERE deleted ORDER BY post_id');
      expect(gone.map((r) => r.post_id)).toEqual([...deleted].sort());
      // The posts table holds the latest counts.
      const [likes] = await queryRows<{ like_count: bigint }>(conn, `SELECT like_count FROM posts WHERE post_id = '${grown[2]}'`);
      expect(Number(likes!.like_count)).toBe(500);
      // The 5 oldest Mastodon statuses were not refreshed (the budget), so they have one observation.
      const once = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM (SELECT post_id FROM post_metrics WHERE source = 'mastodon' GROUP BY post_id HAVING count(*) = 1)`);
      expect(Number(once[0]!.n)).toBe(5);
    } finally {
      conn.closeSync();
      db.closeSync();
    }

    // Rising now, per source: the post whose counts grew leads; deleted posts are gone.
    const w = await DuckDBWarehouse.open(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
    try {
      const now = new Date(Date.now() + 60e3);
      for (const id of grown) {
        const source = id.slice(0, id.indexOf(':'));
        const d = await loadDashboard(w, parseFilters({ period: '24h', source }, now), { scheduleSeconds: 3600, configuredSources: [source], now });
        expect(d.trending[0]?.postId, source).toBe(id);
        expect(d.trending[0]!.spark!.length, source).toBeGreaterThanOrEqual(2);
        expect(d.trending.map((p) => p.postId)).not.toContain(deleted.find((x) => x.startsWith(`${source}:`)));
      }
    } finally {
      await w.close();
    }
  });
});
