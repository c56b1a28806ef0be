import type { Post, PostKind } from '@social-pulse/schema';
import { hashtagsInText, httpLinks, normalizeTags } from '../html.ts';
import { firstIssue } from '../page.ts';
import { isoTime } from '../time.ts';
import type { Normalized, RawPage } from '../types.ts';
import { searchResponse, tweet as tweetSchema, user as userSchema, type Tweet, type User } from './api.ts';
import { guardPage } from '../guard.ts';

const describe = (e: { title?: string | null; detail?: string | null; message?: string | null; resource_id?: string | null }) =>
  [e.title, e.detail ?? e.message].filter(Boolean).join(': ') || `problem with ${e.resource_id ?? 'a resource'}`;

function toPost(t: Tweet, users: Map<string, User>, page: RawPage, over: { text?: string; entitiesFrom?: Tweet } = {}): Post {
  const author = t.author_id ? users.get(t.author_id) : undefined;
  const from = over.entitiesFrom ?? t;
  // Tweets longer than 280 characters carry their full text and entities in `note_tweet`.
  const ents = from.note_tweet?.entities ?? from.entities;
  const text = over.text ?? t.note_tweet?.text ?? t.text;
  const refs = t.referenced_tweets ?? [];
  const retweeted = refs.find((r) => r.type === 'retweeted');
  const quoted = refs.find((r) => r.type === 'quoted');
  const repliedTo = refs.find((r) => r.type === 'replied_to');
  const kind: PostKind = retweeted ? 'repost' : repliedTo ? 'reply' : quoted ? 'quote' : 'post';
  const parent = retweeted ?? repliedTo ?? quoted;
  const handle = author?.username ?? t.author_id ?? 'unknown';
  const m = t.public_metrics;
  return {
    post_id: `x:${t.id}`,
    source: 'x',
    native_id: t.id,
    url: author ? `https://x.com/${author.username}/status/${t.id}` : `https://x.com/i/web/status/${t.id}`,
    kind,
    parent_id: parent ? `x:${parent.id}` : null,
    conversation_id: t.conversation_id ? `x:${t.conversation_id}` : null,
    author_id: t.author_id ?? handle,
    author_handle: handle.toLowerCase(),
    author_name: author?.name?.trim() || handle,
    author_followers: author?.public_metrics?.followers_count ?? null,
    created_at: isoTime(t.created_at)!,
    collected_at: page.meta.fetched_at,
    lang: t.lang && t.lang !== 'und' && t.lang !== 'zxx' ? t.lang : null,
    title: null,
    text,
    like_count: m?.like_count ?? null,
    repost_count: m?.retweet_count ?? null,
    reply_count: m?.reply_count ?? null,
    quote_count: m?.quote_count ?? null,
    score: null,
    hashtags: normalizeTags([...(ents?.hashtags ?? []).map((h) => h.tag), ...hashtagsInText(text)]),
    mentions: [...new Set((ents?.mentions ?? []).map((x) => x.username.toLowerCase()))],
    // Links to the tweet's own photos and videos are not links it shares.
    links: httpLinks((ents?.urls ?? []).filter((u) => !u.media_key).map((u) => u.unwound_url ?? u.expanded_url ?? u.url)),
    queries: [page.meta.query],
    extra: JSON.stringify({
      ...(m?.impression_count != null ? { impression_count: m.impression_count } : {}),
      ...(m?.bookmark_count != null ? { bookmark_count: m.bookmark_count } : {}),
      ...(quoted && kind !== 'quote' ? { quoted: `x:${quoted.id}` } : {}),
      ...(ents?.cashtags?.length ? { cashtags: ents.cashtags.map((c) => c.tag) } : {}),
      ...(t.edit_history_tweet_ids && t.edit_history_tweet_ids.length > 1 ? { edits: t.edit_history_tweet_ids.length - 1 } : {}),
      ...(t.possibly_sensitive ? { possibly_sensitive: true } : {}),
    }),
  };
}

/**
 * A recent-search page → posts. Authors come from `includes.users`; a retweet becomes a
 * `repost` of its original (from `includes.tweets`, stored too, with its full text). The
 * partial `errors[]` that X sends beside `data` are reported as warnings: the page is good.
 */
export function normalizeX(page: RawPage): Normalized {
  if (page.body === undefined) return { posts: [], rejected: [], pageError: 'body is not JSON' };
  const res = searchResponse.safeParse(page.body);
  if (!res.success) return { posts: [], rejected: [], pageError: `not a search response: ${firstIssue(res.error, 'body')}` };
  const { data, includes, errors, meta } = res.data;
  if (!data && !meta && errors?.length) return { posts: [], rejected: [], pageError: `API error: ${describe(errors[0]!)}` };
  const users = new Map<string, User>();
  for (const u of includes?.users ?? []) {
    const parsed = userSchema.safeParse(u);
    if (parsed.success) users.set(parsed.data.id, parsed.data);
  }
  const included = new Map<string, Tweet>();
  for (const t of includes?.tweets ?? []) {
    const parsed = tweetSchema.safeParse(t);
    if (parsed.success) included.set(parsed.data.id, parsed.data);
  }
  const out: Normalized = { posts: [], rejected: [], warnings: (errors ?? []).map((e) => `partial error: ${describe(e)}`) };
  const seen = new Set<string>();
  (data ?? []).forEach((item, i) => {
    const parsed = tweetSchema.safeParse(item);
    const rawId = (item as { id?: unknown })?.id;
    const id = typeof rawId === 'string' ? rawId : `#${i}`;
    if (!parsed.success) return void out.rejected.push({ item: id, reason: firstIssue(parsed.error, 'tweet') });
    const t = parsed.data;
    if (!isoTime(t.created_at)) return void out.rejected.push({ item: id, reason: 'created_at: absent or not a date (request tweet.fields=created_at)' });
    const rt = t.referenced_tweets?.find((r) => r.type === 'retweeted');
    const original = rt ? included.get(rt.id) : undefined;
    if (original && isoTime(original.created_at)) {
      // The retweet's own text is "RT @user: …", cut at 140 characters: use the original's.
      if (!seen.has(original.id)) out.posts.push(toPost(original, users, page));
      seen.add(original.id);
      out.posts.push(toPost(t, users, page, { text: original.note_tweet?.text ?? original.text, entitiesFrom: original }));
    } else {
      out.posts.push(toPost(t, users, page));
    }
    seen.add(t.id);
  });
  // An original that is also a search hit on the same page is stored once.
  const byId = new Map(out.posts.map((p) => [p.post_id, p]));
  out.posts = [...byId.values()];
  return guardPage(out, page.meta.fetched_at);
}
