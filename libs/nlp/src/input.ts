import { LAKE_ZONES, nlpShardStateName, parseNlpShard, ZoneCursor, type LakeStore, type NlpShard, type StateSchema, type ZoneFile } from '@social-pulse/lake';
import type { NlpConfig } from '@social-pulse/config';
import { z } from 'zod';
import { resolveModelVersions } from './fingerprint.ts';
import type { ModelVersion } from './plan.ts';
import { NLP_TASKS } from './tasks/index.ts';

/**
 * `_state/nlp-enricher.json` (or `nlp-enricher.shard-I-of-N.json` for a shard): the last
 * posts/ file read, and the models that labelled it.
 */
export interface EnricherState {
  postsThrough?: string;
  models?: ModelVersion[];
  /** Shards only: when the progress was saved (shown by `pulse status`). */
  updatedAt?: string;
}

/** Set by `pulse enrich --shard I/N|auto` for the step process: label only that shard's posts. */
export const SHARD_ENV = 'PULSE_ENRICH_SHARD';

const enricherState: StateSchema<EnricherState> = z.looseObject({
  postsThrough: z.string().min(1).optional(),
  models: z.array(z.looseObject({ task: z.enum(NLP_TASKS), model: z.string() })).optional(),
  updatedAt: z.string().optional(),
});
const RECOVER = 'delete it; the next enrich reads every posts/ file again and labels only what is not labelled yet';

const sameModels = (a: readonly ModelVersion[] | undefined, b: readonly ModelVersion[]) => JSON.stringify(a ?? null) === JSON.stringify(b);

export interface EnrichInput {
  /** The shard this process labels (`PULSE_ENRICH_SHARD`), if any. */
  shard: NlpShard | undefined;
  cursor: ZoneCursor<EnricherState>;
  /** The configured models, with the fingerprints of their files. */
  models: ModelVersion[];
  /** Whether they differ from those that labelled the posts read so far: then every posts/ file is read again. */
  modelsChanged: boolean;
  /** The posts/ files to read. */
  files: ZoneFile[];
}

/**
 * The enrich step's input: its shard, its cursor in posts/ (the watermark checked), the models
 * and whether they changed, and the posts/ files to read (all of them after a model change).
 * The step reads it, and `pulse run` before starting the step's process, to tell an idle
 * enrich without starting one. `nlp` is the configuration's, its paths resolved.
 */
export async function enrichInput(lake: LakeStore, nlp: NlpConfig, env: NodeJS.ProcessEnv): Promise<EnrichInput> {
  const spec = env[SHARD_ENV];
  const shard = spec ? parseNlpShard(spec, env) : undefined;
  const cursor = await ZoneCursor.open<EnricherState>(lake, LAKE_ZONES.posts, {
    name: shard ? nlpShardStateName(shard) : 'nlp-enricher',
    field: 'postsThrough',
    schema: enricherState,
    recover: RECOVER,
  });
  // A watermark from the future: every posts/ file written since sorts before it.
  await cursor.check();
  // With the fingerprints of the model files: files replaced in place are new models.
  const models = await resolveModelVersions(nlp, env);
  const modelsChanged = !sameModels(cursor.doc.models, models);
  // New models: every post is a candidate again.
  const files = await cursor.filesAfter(modelsChanged);
  return { shard, cursor, models, modelsChanged, files };
}
