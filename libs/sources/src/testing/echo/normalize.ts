import type { Post } from '@social-pulse/schema';
import type { SourceName } from '../../list.ts';
import { guardPage } from '../../guard.ts';
import { hashtagsInText, httpLinks, normalizeTags } from '../../html.ts';
import type { Normalized, RawPage } from '../../types.ts';
import { echoItem, echoPage, type EchoItem } from './api.ts';

/** A name only the tests know (SourceName lists the sources of this build). */
export const ECHO = 'echo' as SourceName;

function toPost(item: EchoItem, page: RawPage): Post {
  return {
    post_id: `echo:${item.id}`,
    source: ECHO,
    native_id: item.id,
    url: `https://echo.invalid/items/${item.id}`,
    kind: 'post',
    parent_id: null,
    conversation_id: null,
    author_id: item.author,
    author_handle: item.author,
    author_name: item.author,
    author_followers: null,
    created_at: new Date(item.at).toISOString(),
    collected_at: page.meta.fetched_at,
    lang: null,
    title: null,
    text: item.text,
    like_count: item.likes,
    repost_count: null,
    reply_count: null,
    quote_count: null,
    score: null,
    hashtags: normalizeTags(hashtagsInText(item.text)),
    mentions: [],
    links: httpLinks([]),
    queries: [page.meta.query],
    extra: null,
  };
}

/** An Echo page → posts. */
export function normalizeEcho(page: RawPage): Normalized {
  if (page.body === undefined) return { posts: [], rejected: [], pageError: 'body is not JSON' };
  const res = echoPage.safeParse(page.body);
  if (!res.success) return { posts: [], rejected: [], pageError: `not an Echo page: ${res.error.issues[0]!.message}` };
  const out: Normalized = { posts: [], rejected: [] };
  res.data.items.forEach((raw, i) => {
    const item = echoItem.safeParse(raw);
    if (item.success) out.posts.push(toPost(item.data, page));
    else out.rejected.push({ item: `#${i}`, reason: item.error.issues[0]!.message });
  });
  return guardPage(out, page.meta.fetched_at);
}
