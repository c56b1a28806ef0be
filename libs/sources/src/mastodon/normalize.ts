import type { Post } from '@social-pulse/schema';
import { anchors, hashtagsInText, htmlToText, httpLinks, normalizeTags } from '../html.ts';
import { z } from 'zod';
import { makePost, normalizeWith, stringId } from '../normalize.ts';
import { isoTime } from '../time.ts';
import type { Normalized, RawPage } from '../types.ts';
import { status as statusSchema, type BaseStatus } from './api.ts';

/** `alice` on mastodon.social → `alice@mastodon.social`; remote accounts already carry their domain. */
function fullHandle(acct: string, accountUrl: string | null | undefined, instanceHost: string): string {
  if (acct.includes('@')) return acct.toLowerCase();
  const host = accountUrl ? safeHost(accountUrl) : undefined;
  return `${acct}@${host ?? instanceHost}`.toLowerCase();
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function toPost(s: BaseStatus, page: RawPage, instanceHost: string): Post {
  const body = htmlToText(s.content);
  const text = s.spoiler_text ? `${s.spoiler_text}\n\n${body}` : body;
  const contentLinks = anchors(s.content)
    .filter((a) => !a.classes.includes('mention') && !a.classes.includes('hashtag') && !a.rel.includes('tag'))
    .map((a) => a.href);
  const handle = fullHandle(s.account.acct, s.account.url, instanceHost);
  return makePost('mastodon', s.uri, page, {
    // The status URI is the same on every instance that federates it: it is our identity.
    url: s.url ?? s.uri,
    kind: s.in_reply_to_id ? 'reply' : 'post',
    author_id: handle,
    author_handle: handle,
    author_name: s.account.display_name?.trim() || s.account.username,
    author_followers: s.account.followers_count ?? null,
    created_at: isoTime(s.created_at)!,
    lang: s.language ?? null,
    text,
    like_count: s.favourites_count ?? null,
    repost_count: s.reblogs_count ?? null,
    reply_count: s.replies_count ?? null,
    quote_count: s.quotes_count ?? null,
    hashtags: normalizeTags([...(s.tags ?? []).map((t) => t.name), ...hashtagsInText(text)]),
    mentions: [...new Set((s.mentions ?? []).map((m) => fullHandle(m.acct, m.url, instanceHost)))],
    // The card's link first: it is the post's primary link (what stories match on), then the text's.
    links: httpLinks([s.card?.url, ...contentLinks]),
    extra: JSON.stringify({
      instance: instanceHost,
      local_id: s.id,
      ...(s.edited_at ? { edited_at: s.edited_at } : {}),
      ...(s.in_reply_to_id ? { in_reply_to_local_id: s.in_reply_to_id } : {}),
      ...(s.visibility ? { visibility: s.visibility } : {}),
      ...(s.sensitive ? { sensitive: true } : {}),
      ...(s.media_attachments?.length ? { media: s.media_attachments.length } : {}),
      ...(s.card?.title ? { card_title: s.card.title } : {}),
    }),
  });
}

/** A tag-timeline page (an array of statuses) → posts; a reblog yields the repost and its original. */
export function normalizeMastodon(page: RawPage): Normalized {
  return normalizeWith(page, {
    envelope: z.array(z.unknown()),
    notEnvelope: (body) => {
      const err = (body as { error?: unknown })?.error;
      return typeof err === 'string' ? `API error: ${err}` : 'expected an array of statuses';
    },
    context: () => safeHost(page.meta.url) ?? 'unknown',
    items: (statuses) => statuses,
    idOf: (item) => stringId(item, 'id'),
    item: statusSchema,
    itemName: 'status',
    toPosts: (s, instanceHost) => {
      if (!s.reblog) return [toPost(s, page, instanceHost)];
      const original = toPost(s.reblog, page, instanceHost);
      const repost = toPost({ ...s, content: s.reblog.content, tags: s.reblog.tags }, page, instanceHost);
      return [original, { ...repost, kind: 'repost', parent_id: original.post_id, conversation_id: original.post_id }];
    },
  });
}
