import { z } from 'zod';
import { epochSeconds } from '../time.ts';

// Reddit's listing of links (`t3`), as `/r/{sub}/new` returns it. Reddit documents little of
// this; the fields follow what the API sends. Many are absent on older or deleted posts
// (`upvote_ratio`, `author_fullname`, `link_flair_text`), so only id, name and time are required.
export const link = z.looseObject({
  id: z.string().regex(/^[0-9a-z]+$/, 'expected a base-36 id'),
  name: z.string().nullish(),
  title: z.string(),
  selftext: z.string().nullish(),
  selftext_html: z.string().nullish(),
  author: z.string().nullish(),
  author_fullname: z.string().nullish(),
  created_utc: epochSeconds(),
  permalink: z.string(),
  url: z.string().nullish(),
  is_self: z.boolean().nullish(),
  domain: z.string().nullish(),
  subreddit: z.string().nullish(),
  score: z.number().int().nullish(),
  upvote_ratio: z.number().nullish(),
  num_comments: z.number().int().nonnegative().nullish(),
  link_flair_text: z.string().nullish(),
  over_18: z.boolean().nullish(),
  spoiler: z.boolean().nullish(),
  stickied: z.boolean().nullish(),
  locked: z.boolean().nullish(),
  edited: z.union([z.boolean(), z.number()]).nullish(),
  crosspost_parent: z.string().nullish(),
  removed_by_category: z.string().nullish(),
  post_hint: z.string().nullish(),
});
export type Link = z.infer<typeof link>;

export const listing = z.looseObject({
  kind: z.literal('Listing'),
  data: z.looseObject({
    after: z.string().nullish(),
    before: z.string().nullish(),
    dist: z.number().int().nullish(),
    children: z.array(z.looseObject({ kind: z.string(), data: z.unknown() })),
  }),
});

export const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

/** Base-36 ids grow with time: longer is newer, then digits compare in 0-9a-z order (as ASCII). */
export function compareBase36(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
