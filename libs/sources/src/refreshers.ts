import { BlueskySource } from './bluesky/source.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { MastodonSource } from './mastodon/source.ts';
import { RedditSource } from './reddit/source.ts';
import { chunks, type RefreshBatch, type Refresher, type RefreshTarget } from './refresh.ts';
import { StackexchangeSource } from './stackexchange/source.ts';
import type { FetchContext, Source } from './types.ts';
import { FIELDS as X_FIELDS, XSource } from './x/source.ts';

/**
 * Each source's batch lookup (README, "Engagement refresh", says what each costs):
 *
 * | source | call | posts per call |
 * | --- | --- | --- |
 * | mastodon | `GET /api/v1/statuses?id[]=…` (4.3+), else `GET /api/v1/statuses/:id` | 20 (1) |
 * | hackernews | Algolia `GET /api/v1/search?tags=story,(story_1,story_2,…)` | 100 |
 * | bluesky | `app.bsky.feed.getPosts?uris=…` | 25 |
 * | x | `GET /2/tweets?ids=…` | 100 |
 * | reddit | `GET /api/info?id=t3_…,t3_…` | 100 |
 * | stackexchange | `GET /2.3/questions/{id;id;…}` | 100 |
 */

const trim = (url: string) => url.replace(/\/+$/, '');

function extraOf(t: RefreshTarget): Record<string, unknown> {
  try {
    const e = JSON.parse(t.extra ?? '{}') as unknown;
    return e && typeof e === 'object' ? (e as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Mastodon: a status is asked for on the instance it was found on, by that instance's local id. */
function mastodon(src: MastodonSource): Refresher {
  const STATUSES_MAX = 20; // the API's limit on `id[]`
  return {
    batchSize: STATUSES_MAX,
    batches(targets: RefreshTarget[], ctx: FetchContext): RefreshBatch[] {
      const token = src.config.tokenEnv ? ctx.env[src.config.tokenEnv]?.trim() : undefined;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      // The instance a post came from is recorded as the host its page was fetched from.
      const roots = new Map(src.config.instances.map((i) => [new URL(src.config.baseUrl ?? i).host, trim(src.config.baseUrl ?? i)]));
      const byRoot = new Map<string, { t: RefreshTarget; id: string }[]>();
      for (const t of targets) {
        const e = extraOf(t);
        const root = typeof e.instance === 'string' ? roots.get(e.instance) : undefined;
        if (!root || typeof e.local_id !== 'string' || !/^\d+$/.test(e.local_id)) continue;
        let list = byRoot.get(root);
        if (!list) byRoot.set(root, (list = []));
        list.push({ t, id: e.local_id });
      }
      const localId = new Map([...byRoot.values()].flat().map((x) => [x.t.post_id, x.id]));
      const batches: RefreshBatch[] = [];
      for (const [root, list] of byRoot) {
        for (const group of chunks(list, STATUSES_MAX)) {
          const query = group.map((x) => `id[]=${encodeURIComponent(x.id)}`).join('&');
          batches.push({
            targets: group.map((x) => x.t),
            group: root,
            call: (c) => c.http.get(`${root}/api/v1/statuses?${query}`, { headers }),
            // Before 4.3 there is no batch lookup: 404 (no route) or 422, one status at a time then.
            fallback: { on: [404, 422], one: (t, c) => c.http.get(`${root}/api/v1/statuses/${encodeURIComponent(localId.get(t.post_id)!)}`, { headers }) },
          });
        }
      }
      return batches;
    },
  };
}

/** Hacker News: stories (Ask HN too) by their `story_<id>` tags; comments carry no points in Algolia, so they are not asked for. */
function hackernews(src: HackernewsSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets) {
      const base = trim(src.config.baseUrl ?? 'https://hn.algolia.com');
      const stories = targets.filter((t) => t.kind !== 'reply' && /^\d+$/.test(t.native_id));
      return chunks(stories, SIZE).map((group) => ({
        targets: group,
        call: (c) =>
          c.http.get(`${base}/api/v1/search`, {
            searchParams: { tags: `story,(${group.map((t) => `story_${t.native_id}`).join(',')})`, hitsPerPage: group.length },
          }),
      }));
    },
  };
}

/** Bluesky: `app.bsky.feed.getPosts`, 25 AT-URIs a call (`uris` repeated). */
function bluesky(src: BlueskySource): Refresher {
  const SIZE = 25;
  return {
    batchSize: SIZE,
    batches(targets) {
      const posts = targets.filter((t) => t.native_id.startsWith('at://'));
      return chunks(posts, SIZE).map((group) => ({
        targets: group,
        // The repeated parameter is written into the method's URL: searchParams hold one value per name.
        call: (c) => src.xrpc(c, `app.bsky.feed.getPosts?${group.map((t) => `uris=${encodeURIComponent(t.native_id)}`).join('&')}`, {}),
      }));
    },
  };
}

/** X: `GET /2/tweets?ids=…` (100), with the search's fields and expansions so that the same normalizer reads it. */
function x(src: XSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets, ctx) {
      const base = trim(src.config.baseUrl ?? 'https://api.x.com');
      const headers = { authorization: `Bearer ${ctx.env.X_BEARER_TOKEN?.trim() ?? ''}` };
      const tweets = targets.filter((t) => /^\d+$/.test(t.native_id));
      return chunks(tweets, SIZE).map((group) => ({
        targets: group,
        call: (c) => c.http.get(`${base}/2/tweets`, { headers, searchParams: { ids: group.map((t) => t.native_id).join(','), ...X_FIELDS } }),
      }));
    },
  };
}

/** Reddit: `GET /api/info?id=t3_…` (100 fullnames a call). */
function reddit(src: RedditSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets) {
      const links = targets.filter((t) => /^[0-9a-z]+$/.test(t.native_id));
      return chunks(links, SIZE).map((group) => ({
        targets: group,
        call: (c) => src.get(c, '/api/info', { id: group.map((t) => `t3_${t.native_id}`).join(','), raw_json: 1 }),
      }));
    },
  };
}

/** Stack Exchange: `GET /2.3/questions/{ids}` (100 ids, `;`-separated), on the configured site. */
function stackexchange(src: StackexchangeSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets) {
      const prefix = `${src.config.site}:`;
      const questions = targets.filter((t) => t.native_id.startsWith(prefix) && /^\d+$/.test(t.native_id.slice(prefix.length)));
      return chunks(questions, SIZE).map((group) => ({
        targets: group,
        call: (c) => src.call(c, { pagesize: group.length }, `/2.3/questions/${group.map((t) => t.native_id.slice(prefix.length)).join(';')}`),
      }));
    },
  };
}

/** The refresher of a source, or undefined for a source without a batch lookup. */
export function refresherFor(source: Source): Refresher | undefined {
  if (source instanceof MastodonSource) return mastodon(source);
  if (source instanceof HackernewsSource) return hackernews(source);
  if (source instanceof BlueskySource) return bluesky(source);
  if (source instanceof XSource) return x(source);
  if (source instanceof RedditSource) return reddit(source);
  if (source instanceof StackexchangeSource) return stackexchange(source);
  return undefined;
}
