import { z } from 'zod';

/**
 * The `nlp:` section of pulse.config.yaml. Every task is optional; leaving the section out
 * runs the defaults. (Owned by the NLP enricher; see libs/nlp for what each setting does.)
 */
export const nlpSchema = z
  .object({
    enabled: z.boolean().default(true),
  })
  .strict();

export type NlpConfig = z.infer<typeof nlpSchema>;
