import type { Post, PostKind } from '@social-pulse/schema';
import { hashtagsInText, httpLinks, normalizeTags } from '../html.ts';
import { makePost, normalizeWith, stringId } from '../normalize.ts';
import { isoTime } from '../time.ts';
import type { Normalized, RawPage } from '../types.ts';
import { postView, searchPostsOutput, xrpcError, type PostView } from './api.ts';

const POST_COLLECTION = '/app.bsky.feed.post/';

/** `at://did:plc:abc/app.bsky.feed.post/3kx…` → `3kx…` (the record key). */
export const rkeyOf = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);

/** The web address of a post: by handle when the handle is valid, else by DID. */
export function postUrl(uri: string, handle: string, did: string): string {
  const who = handle && handle !== 'handle.invalid' ? handle : did;
  return `https://bsky.app/profile/${who}/post/${rkeyOf(uri)}`;
}

/**
 * Paging key: the post's `sortAt` (the earlier of `createdAt` and `indexedAt`, which is what
 * `sort=latest`, `since` and `until` use), then its URI so that equal times still order.
 */
export function blueskyKey(p: { uri?: unknown; indexedAt?: unknown; record?: { createdAt?: unknown } | null }): { key: string; createdAt: string } | undefined {
  if (typeof p.uri !== 'string') return undefined;
  const indexed = isoTime(p.indexedAt);
  const created = isoTime(p.record?.createdAt);
  const sortAt = [indexed, created].filter((t): t is string => t !== undefined).sort()[0];
  if (!sortAt) return undefined;
  return { key: `${sortAt} ${p.uri}`, createdAt: sortAt };
}

/** Facet indexes count UTF-8 bytes, not UTF-16 code units. */
function byteSlice(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, end).toString('utf8');
}

function quotedUri(p: PostView): string | undefined {
  const rec = p.record.embed?.record;
  if (!rec) return undefined;
  const uri = 'uri' in rec && typeof rec.uri === 'string' ? rec.uri : (rec as { record?: { uri?: string } }).record?.uri;
  return uri && uri.includes(POST_COLLECTION) ? uri : undefined;
}

function toPost(p: PostView, page: RawPage): Post {
  const r = p.record;
  const bytes = Buffer.from(r.text, 'utf8');
  const tags: string[] = [...(r.tags ?? [])];
  const mentions: string[] = [];
  // The external embed first: it is the post's primary link (what stories match on), then the facets'.
  const embedView = p.embed as { external?: { uri?: unknown } } | undefined;
  const links: (string | null | undefined)[] = [r.embed?.external?.uri, r.embed?.media?.external?.uri, typeof embedView?.external?.uri === 'string' ? embedView.external.uri : undefined];
  for (const f of r.facets ?? []) {
    for (const feat of f.features) {
      if (feat.$type === 'app.bsky.richtext.facet#tag' && feat.tag) tags.push(feat.tag);
      else if (feat.$type === 'app.bsky.richtext.facet#link') links.push(feat.uri);
      else if (feat.$type === 'app.bsky.richtext.facet#mention') {
        const written = byteSlice(bytes, f.index.byteStart, f.index.byteEnd).trim();
        mentions.push(written.startsWith('@') ? written.slice(1).toLowerCase() : (feat.did ?? written));
      }
    }
  }
  const quoted = quotedUri(p);
  const kind: PostKind = r.reply ? 'reply' : quoted ? 'quote' : 'post';
  const postId = `bluesky:${p.uri}`;
  return makePost('bluesky', p.uri, page, {
    url: postUrl(p.uri, p.author.handle, p.author.did),
    kind,
    parent_id: r.reply ? `bluesky:${r.reply.parent.uri}` : quoted ? `bluesky:${quoted}` : null,
    conversation_id: r.reply ? `bluesky:${r.reply.root.uri}` : postId,
    author_id: p.author.did,
    author_handle: p.author.handle.toLowerCase(),
    author_name: p.author.displayName?.trim() || p.author.handle,
    author_followers: p.author.followersCount ?? null,
    created_at: isoTime(r.createdAt) ?? isoTime(p.indexedAt)!,
    lang: r.langs?.[0] ?? null,
    text: r.text,
    like_count: p.likeCount ?? null,
    repost_count: p.repostCount ?? null,
    reply_count: p.replyCount ?? null,
    quote_count: p.quoteCount ?? null,
    hashtags: normalizeTags([...tags, ...hashtagsInText(r.text)]),
    mentions: [...new Set(mentions)],
    links: httpLinks(links),
    extra: JSON.stringify({
      cid: p.cid,
      indexed_at: p.indexedAt,
      ...(r.reply && quoted ? { quoted: `bluesky:${quoted}` } : {}),
      ...(p.bookmarkCount != null ? { bookmark_count: p.bookmarkCount } : {}),
      ...(r.langs && r.langs.length > 1 ? { langs: r.langs } : {}),
      ...(p.labels?.length ? { labels: p.labels.map((l) => l.val) } : {}),
    }),
  });
}

/** A `searchPosts` page → posts. */
export function normalizeBluesky(page: RawPage): Normalized {
  return normalizeWith(page, {
    envelope: searchPostsOutput,
    notEnvelope: (body, issue) => {
      const err = xrpcError.safeParse(body);
      return err.success ? `API error: ${err.data.error}: ${err.data.message ?? ''}`.trim() : `not a searchPosts response: ${issue}`;
    },
    context: () => undefined,
    items: ({ posts }) => posts,
    idOf: (item) => stringId(item, 'uri'),
    item: postView,
    itemName: 'post',
    toPosts: (p) =>
      !isoTime(p.record.createdAt) && !isoTime(p.indexedAt) ? `record.createdAt: not a date: ${p.record.createdAt}` : [toPost(p, page)],
  });
}
