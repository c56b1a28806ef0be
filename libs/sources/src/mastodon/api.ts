import { z } from 'zod';
import { dateString } from '../time.ts';

// The subset of Mastodon's Status entity that social-pulse reads
// (docs.joinmastodon.org/entities/Status). Optional fields are optional: older servers and
// other implementations (Pleroma, Akkoma, GoToSocial) leave some out.
const account = z.looseObject({
  id: z.string(),
  username: z.string(),
  acct: z.string(),
  display_name: z.string().nullish(),
  url: z.string().nullish(),
  followers_count: z.number().int().nonnegative().nullish(),
});

const baseStatus = z.looseObject({
  id: z.string().min(1),
  uri: z.string().min(1),
  url: z.string().nullish(),
  created_at: dateString(),
  edited_at: z.string().nullish(),
  in_reply_to_id: z.string().nullish(),
  language: z.string().nullish(),
  content: z.string(),
  spoiler_text: z.string().nullish(),
  visibility: z.string().nullish(),
  sensitive: z.boolean().nullish(),
  account,
  replies_count: z.number().int().nonnegative().nullish(),
  reblogs_count: z.number().int().nonnegative().nullish(),
  favourites_count: z.number().int().nonnegative().nullish(),
  quotes_count: z.number().int().nonnegative().nullish(),
  tags: z.array(z.looseObject({ name: z.string() })).nullish(),
  mentions: z.array(z.looseObject({ acct: z.string(), username: z.string().nullish(), url: z.string().nullish() })).nullish(),
  card: z.looseObject({ url: z.string().nullish(), title: z.string().nullish() }).nullish(),
  media_attachments: z.array(z.unknown()).nullish(),
});

export const status = baseStatus.extend({ reblog: baseStatus.nullish() });
export type Status = z.infer<typeof status>;
export type BaseStatus = z.infer<typeof baseStatus>;
