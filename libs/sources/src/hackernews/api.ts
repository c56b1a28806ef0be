import { z } from 'zod';
import { epochSeconds } from '../time.ts';

// Algolia's Hacker News search hit (hn.algolia.com/api). Stories have title/url/points;
// comments have comment_text/parent_id/story_id; Ask HN has story_text and no url.
export const hit = z.looseObject({
  objectID: z.string().min(1),
  created_at_i: epochSeconds().int(),
  created_at: z.string().nullish(),
  author: z.string().min(1),
  title: z.string().nullish(),
  url: z.string().nullish(),
  points: z.number().int().nullish(),
  num_comments: z.number().int().nonnegative().nullish(),
  story_text: z.string().nullish(),
  comment_text: z.string().nullish(),
  story_id: z.number().int().nullish(),
  parent_id: z.number().int().nullish(),
  story_title: z.string().nullish(),
  _tags: z.array(z.string()).nullish(),
  updated_at: z.string().nullish(),
});
export type Hit = z.infer<typeof hit>;

export const searchResponse = z.looseObject({
  hits: z.array(z.unknown()),
  nbHits: z.number().int().nonnegative(),
  page: z.number().int().nonnegative(),
  nbPages: z.number().int().nonnegative(),
  hitsPerPage: z.number().int().positive(),
});
export type SearchResponse = z.infer<typeof searchResponse>;
