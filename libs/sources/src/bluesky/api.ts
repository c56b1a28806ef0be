import { z } from 'zod';

// The subset of app.bsky.feed.defs#postView that social-pulse reads (the lexicons in
// bluesky-social/atproto). Records are open unions: unknown `$type`s and fields pass through,
// and everything the lexicon marks optional is optional (older views lack `quoteCount`).
const strongRef = z.looseObject({ uri: z.string(), cid: z.string().nullish() });

const facetFeature = z.looseObject({
  $type: z.string(),
  tag: z.string().nullish(),
  uri: z.string().nullish(),
  did: z.string().nullish(),
});

export const facet = z.looseObject({
  index: z.looseObject({ byteStart: z.number().int().nonnegative(), byteEnd: z.number().int().nonnegative() }),
  features: z.array(facetFeature),
});

/** `app.bsky.embed.*` as written in the record: external link, record (quote), or both with media. */
export const recordEmbed = z.looseObject({
  $type: z.string(),
  external: z.looseObject({ uri: z.string(), title: z.string().nullish() }).nullish(),
  record: z.union([strongRef, z.looseObject({ record: strongRef })]).nullish(),
  /** recordWithMedia: the media beside the quoted record (images, video or an external link). */
  media: z.looseObject({ $type: z.string(), external: z.looseObject({ uri: z.string() }).nullish() }).nullish(),
});

export const postRecord = z.looseObject({
  $type: z.string().optional(),
  text: z.string(),
  createdAt: z.string(),
  langs: z.array(z.string()).nullish(),
  facets: z.array(facet).nullish(),
  tags: z.array(z.string()).nullish(),
  reply: z.looseObject({ root: strongRef, parent: strongRef }).nullish(),
  embed: recordEmbed.nullish(),
});

export const postView = z.looseObject({
  uri: z.string().startsWith('at://'),
  cid: z.string(),
  author: z.looseObject({
    did: z.string().startsWith('did:'),
    handle: z.string(),
    displayName: z.string().nullish(),
    followersCount: z.number().int().nullish(),
  }),
  record: postRecord,
  indexedAt: z.string(),
  replyCount: z.number().int().nullish(),
  repostCount: z.number().int().nullish(),
  likeCount: z.number().int().nullish(),
  quoteCount: z.number().int().nullish(),
  bookmarkCount: z.number().int().nullish(),
  embed: z.unknown().optional(),
  labels: z.array(z.looseObject({ val: z.string() })).nullish(),
});
export type PostView = z.infer<typeof postView>;

export const searchPostsOutput = z.looseObject({
  posts: z.array(z.unknown()),
  cursor: z.string().nullish(),
  hitsTotal: z.number().int().nullish(),
});

/** XRPC error body: `{"error": "ExpiredToken", "message": "Token has expired"}`. */
export const xrpcError = z.looseObject({ error: z.string(), message: z.string().nullish() });

export const session = z.looseObject({
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
  handle: z.string(),
  did: z.string(),
});
export type Session = z.infer<typeof session>;
