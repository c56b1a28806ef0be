import { z } from 'zod';
import { epochSeconds } from '../time.ts';

// Stack Exchange API 2.3 (api.stackexchange.com/docs/types/question) with `filter=withbody`.
// Every response is wrapped; the wrapper may carry `backoff` (seconds to wait before calling
// the same method again). Owners of deleted accounts have only `display_name` and `user_type`.
export const question = z.looseObject({
  question_id: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  link: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  owner: z
    .looseObject({
      user_id: z.number().int().nullish(),
      account_id: z.number().int().nullish(),
      display_name: z.string().nullish(),
      reputation: z.number().int().nullish(),
      user_type: z.string().nullish(),
      link: z.string().nullish(),
    })
    .nullish(),
  creation_date: epochSeconds().int(),
  last_activity_date: z.number().int().nullish(),
  last_edit_date: z.number().int().nullish(),
  score: z.number().int().nullish(),
  answer_count: z.number().int().nonnegative().nullish(),
  view_count: z.number().int().nonnegative().nullish(),
  is_answered: z.boolean().nullish(),
  accepted_answer_id: z.number().int().nullish(),
  closed_date: z.number().int().nullish(),
  closed_reason: z.string().nullish(),
  bounty_amount: z.number().int().nullish(),
  content_license: z.string().nullish(),
});
export type Question = z.infer<typeof question>;

export const wrapper = z.looseObject({
  items: z.array(z.unknown()),
  has_more: z.boolean(),
  quota_max: z.number().int().nullish(),
  quota_remaining: z.number().int().nullish(),
  backoff: z.number().int().nonnegative().nullish(),
  page: z.number().int().nullish(),
});

/** The error wrapper: `{"error_id": 502, "error_name": "throttle_violation", "error_message": "…"}`. */
export const errorWrapper = z.looseObject({ error_id: z.number().int(), error_name: z.string(), error_message: z.string().nullish() });
