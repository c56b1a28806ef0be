import type { Post, PostKind } from '@social-pulse/schema';
import { hashtagsInText, httpLinks, normalizeTags } from '../html.ts';
import { makePost, normalizeWith, stringId } from '../normalize.ts';
import { isoTime } from '../time.ts';
import type { Normalized, RawPage } from '../types.ts';
import { searchResponse, tweet as tweetSchema, user as userSchema, type Tweet, type User } from './api.ts';

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
  return makePost('x', t.id, page, {
    url: author ? `https://x.com/${author.username}/status/${t.id}` : `https://x.com/i/web/status/${t.id}`,
    kind,
    parent_id: parent ? `x:${parent.id}` : null,
    conversation_id: t.conversation_id ? `x:${t.conversation_id}` : null,
    author_id: t.author_id ?? handle,
    author_handle: handle.toLowerCase(),
    author_name: author?.name?.trim() || handle,
    author_followers: author?.public_metrics?.followers_count ?? null,
    created_at: isoTime(t.created_at)!,
    lang: t.lang && t.lang !== 'und' && t.lang !== 'zxx' ? t.lang : null,
    text,
    like_count: m?.like_count ?? null,
    repost_count: m?.retweet_count ?? null,
    reply_count: m?.reply_count ?? null,
    quote_count: m?.quote_count ?? null,
    hashtags: normalizeTags([...(ents?.hashtags ?? []).map((h) => h.tag), ...hashtagsInText(text)]),
    mentions: [...new Set((ents?.mentions ?? []).map((x) => x.username.toLowerCase()))],
    // Links to the tweet's own photos and videos are not links it shares.
    links: httpLinks((ents?.urls ?? []).filter((u) => !u.media_key).map((u) => u.unwound_url ?? u.expanded_url ?? u.url)),
    extra: JSON.stringify({
      ...(m?.impression_count != null ? { impression_count: m.impression_count } : {}),
      ...(m?.bookmark_count != null ? { bookmark_count: m.bookmark_count } : {}),
      ...(quoted && kind !== 'quote' ? { quoted: `x:${quoted.id}` } : {}),
      ...(ents?.cashtags?.length ? { cashtags: ents.cashtags.map((c) => c.tag) } : {}),
      ...(t.edit_history_tweet_ids && t.edit_history_tweet_ids.length > 1 ? { edits: t.edit_history_tweet_ids.length - 1 } : {}),
      ...(t.possibly_sensitive ? { possibly_sensitive: true } : {}),
    }),
  });
}

/**
 * A recent-search page → posts. Authors come from `includes.users`; a retweet becomes a
 * `repost` of its original (from `includes.tweets`, stored too, with its full text). The
 * partial `errors[]` that X sends beside `data` are reported as warnings: the page is good.
 */
export function normalizeX(page: RawPage): Normalized {
  return normalizeWith(page, {
    envelope: searchResponse,
    notEnvelope: (_body, issue) => `not a search response: ${issue}`,
    pageError: ({ data, meta, errors }) => (!data && !meta && errors?.length ? `API error: ${describe(errors[0]!)}` : undefined),
    warnings: ({ errors }) => (errors ?? []).map((e) => `partial error: ${describe(e)}`),
    context: ({ includes }) => {
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
      return { users, included, seen: new Set<string>() };
    },
    items: ({ data }) => data ?? [],
    idOf: (item) => stringId(item, 'id'),
    item: tweetSchema,
    itemName: 'tweet',
    toPosts: (t, { users, included, seen }) => {
      if (!isoTime(t.created_at)) return 'created_at: absent or not a date (request tweet.fields=created_at)';
      const posts: Post[] = [];
      const rt = t.referenced_tweets?.find((r) => r.type === 'retweeted');
      const original = rt ? included.get(rt.id) : undefined;
      if (original && isoTime(original.created_at)) {
        // The retweet's own text is "RT @user: …", cut at 140 characters: use the original's.
        if (!seen.has(original.id)) posts.push(toPost(original, users, page));
        seen.add(original.id);
        posts.push(toPost(t, users, page, { text: original.note_tweet?.text ?? original.text, entitiesFrom: original }));
      } else {
        posts.push(toPost(t, users, page));
      }
      seen.add(t.id);
      return posts;
    },
    // An original that is also a search hit on the same page is stored once.
    finish: (posts) => [...new Map(posts.map((p) => [p.post_id, p])).values()],
  });
}
