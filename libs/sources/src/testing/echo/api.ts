import { z } from 'zod';

/** An Echo item, as the fake server sends it. */
export const echoItem = z.object({
  id: z.string().regex(/^\d+$/, 'expected a numeric id'),
  text: z.string(),
  at: z.iso.datetime(),
  author: z.string(),
  likes: z.number().int().nonnegative(),
});
export type EchoItem = z.infer<typeof echoItem>;

/** A channel page: items newest first, and whether an older page follows. */
export const echoPage = z.object({ items: z.array(z.unknown()), more: z.boolean().optional() });
