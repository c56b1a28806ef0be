import type { IncomingMessage } from 'node:http';
import { compareIds } from '../cursor.ts';
import { snowflakeTime } from '../x/api.ts';
import type { TweetJson, UserJson } from './fixtures-x.ts';
import { json, startServer, type FaultPlan, type ReplayServer } from './server.ts';

export interface FakeXOptions {
  token: string;
  /** Tweets that recent search can find. */
  tweets: () => TweetJson[];
  /** Tweets reachable only as referenced tweets (the originals of retweets, quoted tweets). */
  referenced?: () => TweetJson[];
  users: UserJson[];
  /**
   * Misbehave like a debugging proxy: every page with tweets also carries a partial error whose
   * `detail` echoes the request's `Authorization` header (the bearer token) verbatim.
   */
  echoAuthorization?: boolean;
  faults?: FaultPlan;
}

const WEEK_MS = 7 * 24 * 3600_000;

/** X's `x-rate-limit-*` headers (reset in epoch seconds). */
export const xLimits = (remaining: number) => ({
  'x-rate-limit-limit': '450',
  'x-rate-limit-remaining': String(remaining),
  'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900),
});

const invalid = (message: string, parameters: Record<string, string[]>) =>
  json(
    {
      errors: [{ parameters, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
    400,
  );

function matches(t: TweetJson, query: string): boolean {
  const text = ((t.note_tweet as { text?: string } | undefined)?.text ?? t.text).toLowerCase();
  const isRetweet = ((t.referenced_tweets as { type: string }[] | undefined) ?? []).some((r) => r.type === 'retweeted');
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => (term === '-is:retweet' ? !isRetweet : term.startsWith('-') ? !text.includes(term.slice(1)) : text.includes(term)));
}

/**
 * Speaks `GET /2/tweets/search/recent` as X API v2 does: bearer auth (401 body otherwise),
 * `query` (words and `-is:retweet`), `max_results` 10–100, `next_token`, `since_id`/`until_id`
 * (refused beside `start_time`/`end_time`, and when older than 7 days), `start_time`, the
 * `expansions` for authors and referenced tweets, and a partial `errors[]` beside `data` for
 * a referenced tweet it cannot find.
 */
export async function startFakeX(o: FakeXOptions): Promise<ReplayServer> {
  let remaining = 450;
  return startServer((url, req: IncomingMessage) => {
    if (url.pathname === '/2/tweets') {
      // Tweets lookup: `ids` (comma-separated, 1 to 100); one that does not exist (deleted) is an
      // entry of `errors[]` with `resource_id`, beside the `data` of the others.
      if (req.headers.authorization !== `Bearer ${o.token}`) return json({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, 401);
      remaining -= 1;
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      if (!ids.length || ids.length > 100) return invalid(`The \`ids\` query parameter value [${ids.length}] is not between 1 and 100`, { ids });
      const pool = new Map(o.tweets().map((t) => [t.id, t]));
      const data = ids.flatMap((id) => (pool.has(id) ? [pool.get(id)!] : []));
      const errors = ids
        .filter((id) => !pool.has(id))
        .map((id) => ({ value: id, detail: `Could not find tweet with ids: [${id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'ids', resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' }));
      const authorIds = new Set(data.map((t) => t.author_id));
      return json(
        { ...(data.length ? { data, includes: { users: o.users.filter((u) => authorIds.has(u.id)) } } : {}), ...(errors.length ? { errors } : {}) },
        200,
        xLimits(remaining),
      );
    }
    if (url.pathname !== '/2/tweets/search/recent') return json({ title: 'Not Found Error', detail: 'Not Found', type: 'about:blank', status: 404 }, 404);
    if (req.headers.authorization !== `Bearer ${o.token}`) {
      return json({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, 401);
    }
    remaining -= 1;
    const p = url.searchParams;
    const query = p.get('query');
    if (!query) return invalid('The `query` query parameter can not be empty', { query: [''] });
    const max = Number(p.get('max_results') ?? 10);
    if (!(max >= 10 && max <= 100)) return invalid(`The \`max_results\` query parameter value [${max}] is not between 10 and 100`, { max_results: [String(max)] });
    const sinceId = p.get('since_id');
    const untilId = p.get('until_id');
    const start = p.get('start_time');
    if ((sinceId || untilId) && (start || p.get('end_time'))) {
      return invalid("Invalid use of 'since_id' or 'until_id' in conjunction with 'start_time' or 'end_time'.", {});
    }
    const weekAgo = Date.now() - WEEK_MS;
    for (const [name, id] of [['since_id', sinceId], ['until_id', untilId]] as const) {
      if (id && snowflakeTime(id) < weekAgo) return invalid(`Invalid '${name}':'${id}'. '${name}' must be a tweet id created after ${new Date(weekAgo).toISOString()}.`, { [name]: [id] });
    }
    if (start && Date.parse(start) < weekAgo) {
      return invalid(`Invalid 'start_time':'${start}'. 'start_time' must be on or after ${new Date(weekAgo).toISOString()}`, { start_time: [start] });
    }
    const found = o
      .tweets()
      .filter((t) => matches(t, query))
      .filter((t) => (!sinceId || compareIds(t.id, sinceId) > 0) && (!untilId || compareIds(t.id, untilId) < 0))
      .filter((t) => (!start || t.created_at >= new Date(start).toISOString()) && t.created_at >= new Date(weekAgo).toISOString())
      .sort((a, b) => compareIds(b.id, a.id));
    const offset = p.get('next_token') ? Number(Buffer.from(p.get('next_token')!, 'base64url').toString()) : 0;
    const data = found.slice(offset, offset + max);
    if (!data.length) return json({ meta: { result_count: 0 } }, 200, xLimits(remaining));
    const pool = new Map([...o.tweets(), ...(o.referenced?.() ?? [])].map((t) => [t.id, t]));
    const includedTweets: TweetJson[] = [];
    const errors: Record<string, unknown>[] = [];
    for (const t of data) {
      for (const ref of (t.referenced_tweets as { id: string }[] | undefined) ?? []) {
        const r = pool.get(ref.id);
        if (r) includedTweets.push(r);
        else
          errors.push({
            value: ref.id,
            detail: `Could not find tweet with referenced_tweets.id: [${ref.id}].`,
            title: 'Not Found Error',
            resource_type: 'tweet',
            parameter: 'referenced_tweets.id',
            resource_id: ref.id,
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          });
      }
    }
    if (o.echoAuthorization) {
      errors.push({
        title: 'Debug Information',
        detail: `Request authorized with ${req.headers.authorization}`,
        type: 'about:blank',
      });
    }
    const authorIds = new Set([...data, ...includedTweets].map((t) => t.author_id));
    const next = offset + max < found.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
    return json(
      {
        data,
        includes: { users: o.users.filter((u) => authorIds.has(u.id)), ...(includedTweets.length ? { tweets: includedTweets } : {}) },
        ...(errors.length ? { errors } : {}),
        meta: { newest_id: data[0]!.id, oldest_id: data.at(-1)!.id, result_count: data.length, ...(next ? { next_token: next } : {}) },
      },
      200,
      xLimits(remaining),
    );
  }, o.faults);
}
