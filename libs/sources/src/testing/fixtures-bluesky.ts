/**
 * Bluesky `app.bsky.feed.defs#postView` objects as `searchPosts` returns them, with the
 * awkward cases: no facets (hashtag only in text), mention and link facets whose byte offsets
 * differ from UTF-16 offsets (emoji, Japanese), a reply, a quote with media, an external
 * embed, right-to-left text, an older view without `quoteCount`, and a `handle.invalid`.
 */
export type PostViewJson = Record<string, unknown> & { uri: string; indexedAt: string; record: Record<string, unknown> & { text: string; createdAt: string } };

const DID = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';

/** UTF-8 byte range of the first occurrence of `part` in `text`. */
export function byteRange(text: string, part: string): { byteStart: number; byteEnd: number } {
  const i = text.indexOf(part);
  if (i < 0) throw new Error(`"${part}" not in "${text}"`);
  const byteStart = Buffer.byteLength(text.slice(0, i), 'utf8');
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(part, 'utf8') };
}

export function blueskyPost(rkey: string, at: Date, over: { record?: Record<string, unknown>; author?: Record<string, unknown> } & Record<string, unknown> = {}): PostViewJson {
  const { record, author, ...rest } = over;
  const text = (record?.text as string | undefined) ?? `Post ${rkey} about #dataengineering`;
  return {
    uri: `at://${DID}/app.bsky.feed.post/${rkey}`,
    cid: `bafyreig${rkey.padEnd(52, 'a').slice(0, 52)}`,
    author: {
      did: DID,
      handle: 'alice.bsky.social',
      displayName: 'Alice',
      avatar: `https://cdn.bsky.app/img/avatar/plain/${DID}/bafkreih@jpeg`,
      associated: { chat: { allowIncoming: 'following' } },
      labels: [],
      createdAt: '2023-04-12T08:00:00.000Z',
      ...author,
    },
    record: {
      $type: 'app.bsky.feed.post',
      createdAt: at.toISOString(),
      langs: ['en'],
      text,
      facets: text.includes('#dataengineering') ? [{ $type: 'app.bsky.richtext.facet', index: byteRange(text, '#dataengineering'), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'dataengineering' }] }] : undefined,
      ...record,
    },
    bookmarkCount: 0,
    replyCount: 1,
    repostCount: 2,
    likeCount: 5,
    quoteCount: 0,
    indexedAt: new Date(at.getTime() + 800).toISOString(),
    labels: [],
    ...rest,
  };
}

/** A plain run of `n` posts one minute apart from `t0`, oldest first. */
export function blueskyRun(n: number, t0: Date, prefix = '3lbq'): PostViewJson[] {
  return Array.from({ length: n }, (_, i) => blueskyPost(`${prefix}${String(i).padStart(9, '0')}`, new Date(t0.getTime() + i * 60_000)));
}

export function awkwardBlueskyPosts(t0: Date): PostViewJson[] {
  const at = (min: number) => new Date(t0.getTime() + min * 60_000);
  const mentionText = '🚀 データ基盤 with @bob.dev.example — see https://duckdb.org/docs #DataEngineering';
  const rtl = 'هندسة البيانات رائعة #dataengineering ✨';
  return [
    blueskyPost('3lawk0000001', at(1), {
      record: {
        text: mentionText,
        langs: ['ja', 'en'],
        facets: [
          { index: byteRange(mentionText, '@bob.dev.example'), features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bobbobbobbobbobbobbobbob' }] },
          { index: byteRange(mentionText, 'https://duckdb.org/docs'), features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://duckdb.org/docs' }] },
          { index: byteRange(mentionText, '#DataEngineering'), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'DataEngineering' }] },
        ],
      },
    }),
    // No facets at all: the hashtag lives only in the text. An older view: no quoteCount, no bookmarkCount.
    blueskyPost('3lawk0000002', at(2), {
      record: { text: 'Spark vs Flink, thoughts? #dataengineering #Streaming', facets: undefined, langs: undefined },
      author: { handle: 'carol.example.com', displayName: undefined },
      quoteCount: undefined,
      bookmarkCount: undefined,
    }),
    // A reply, in a right-to-left script.
    blueskyPost('3lawk0000003', at(3), {
      record: {
        text: rtl,
        langs: ['ar'],
        facets: [{ index: byteRange(rtl, '#dataengineering'), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'dataengineering' }] }],
        reply: {
          root: { uri: `at://${DID}/app.bsky.feed.post/3lroot0000001`, cid: 'bafyreiroot' },
          parent: { uri: `at://${DID}/app.bsky.feed.post/3lparent00001`, cid: 'bafyreiparent' },
        },
      },
      author: { did: 'did:plc:rtlrtlrtlrtlrtlrtlrtlrtl', handle: 'handle.invalid', displayName: 'سارة' },
    }),
    // A quote with an image (recordWithMedia), and an external link card on another.
    blueskyPost('3lawk0000004', at(4), {
      record: {
        text: 'This, exactly. #dataengineering',
        embed: {
          $type: 'app.bsky.embed.recordWithMedia',
          record: { $type: 'app.bsky.embed.record', record: { uri: 'at://did:plc:zzzz/app.bsky.feed.post/3lquoted00001', cid: 'bafyreiq' } },
          media: { $type: 'app.bsky.embed.images', images: [{ alt: 'chart', image: { $type: 'blob', ref: { $link: 'bafkrei' }, mimeType: 'image/png', size: 1000 } }] },
        },
      },
      quoteCount: 3,
    }),
    blueskyPost('3lawk0000005', at(5), {
      record: {
        text: 'New blog post on lakehouse costs #dataengineering',
        embed: { $type: 'app.bsky.embed.external', external: { uri: 'https://blog.example.org/lakehouse?utm=bsky', title: 'Lakehouse costs', description: '' } },
      },
      embed: { $type: 'app.bsky.embed.external#view', external: { uri: 'https://blog.example.org/lakehouse?utm=bsky', title: 'Lakehouse costs', description: '' } },
    }),
  ];
}
