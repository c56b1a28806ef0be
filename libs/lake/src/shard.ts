import { createHash } from 'node:crypto';
import { PulseError } from '@social-pulse/runtime';
import { LAKE } from '@social-pulse/schema';
import { postsFilesAfter } from './zone.ts';
import type { LakeStore } from './store/store.ts';

/**
 * One shard of the enrich step (`pulse enrich --shard 2/8`): `index` counts from 1 to
 * `count`. Posts are split by the hash of their prepared text, so identical texts always land
 * in the same shard and are computed once, and every shard keeps its own progress.
 */
export interface NlpShard {
  index: number;
  count: number;
}

/** The largest shard count accepted: far above any useful parallelism, low enough to catch a typo. */
export const MAX_NLP_SHARDS = 10_000;

/**
 * `I/N`, or `auto` for Cloud Batch: the task's `BATCH_TASK_INDEX` (from 0) and
 * `BATCH_TASK_COUNT`. Anything else is a clear error (exit code 2: retrying cannot help).
 */
export function parseNlpShard(spec: string, env: NodeJS.ProcessEnv = process.env): NlpShard {
  if (spec.trim() === 'auto') {
    const index = env.BATCH_TASK_INDEX;
    const count = env.BATCH_TASK_COUNT;
    if (index === undefined || count === undefined || !/^\d+$/.test(index) || !/^\d+$/.test(count)) {
      throw new PulseError(
        `--shard auto: expected BATCH_TASK_INDEX and BATCH_TASK_COUNT in the environment (set by Cloud Batch), got ${index ?? 'none'} and ${count ?? 'none'}; ` +
          'elsewhere, give the shard as I/N (e.g. --shard 1/4)',
        2,
      );
    }
    return checked(Number(index) + 1, Number(count), `BATCH_TASK_INDEX=${index} BATCH_TASK_COUNT=${count}`);
  }
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new PulseError(`--shard: expected I/N such as 1/4 (shard I of N, counting from 1) or auto, got "${spec}"`, 2);
  return checked(Number(m[1]), Number(m[2]), spec);
}

function checked(index: number, count: number, what: string): NlpShard {
  if (count < 1 || count > MAX_NLP_SHARDS || index < 1 || index > count) {
    throw new PulseError(`--shard: ${what} is not a shard: need 1 ≤ I ≤ N ≤ ${MAX_NLP_SHARDS} (shards count from 1)`, 2);
  }
  return { index, count };
}

/** `1-of-4`: how a shard appears in file names and state documents. */
export const nlpShardTag = (s: NlpShard) => `shard-${s.index}-of-${s.count}`;

/** The shard's progress document, `_state/nlp-enricher.shard-I-of-N.json`. */
export const nlpShardStateName = (s: NlpShard) => `nlp-enricher.${nlpShardTag(s)}`;

/**
 * The shard (1…count) a prepared text belongs to: the first 48 bits of its SHA-256, modulo
 * the count. Stable across machines, runs and Node versions, and even for any count.
 */
export function nlpShardOf(preparedText: string, count: number): number {
  const h = createHash('sha256').update(preparedText).digest();
  return (h.readUIntBE(0, 6) % count) + 1;
}

/** What `pulse status` shows of a shard. */
export interface NlpShardProgress {
  shard: NlpShard;
  /** The last posts/ file the shard has labelled, or null before its first success. */
  postsThrough: string | null;
  /** posts/ files written since, which the shard's next run will read. */
  pendingPostsFiles: number;
  /** When the shard last saved its progress. */
  updatedAt: string | null;
}

const SHARD_STATE = /^nlp-enricher\.shard-(\d+)-of-(\d+)\.json$/;

/** Every shard that has saved progress in this lake, by shard count then index. */
export async function nlpShardProgress(store: LakeStore): Promise<NlpShardProgress[]> {
  const out: NlpShardProgress[] = [];
  for (const o of await store.list(`${LAKE.state}/`)) {
    const m = SHARD_STATE.exec(o.key.slice(o.key.lastIndexOf('/') + 1));
    if (!m) continue;
    let doc: { postsThrough?: unknown; updatedAt?: unknown };
    try {
      doc = JSON.parse((await store.read(o.key)).toString('utf8')) as typeof doc;
    } catch (e) {
      throw new Error(`lake state ${o.key} is not valid JSON (${(e as Error).message}); fix or delete it`);
    }
    const postsThrough = typeof doc.postsThrough === 'string' ? doc.postsThrough : null;
    out.push({
      shard: { index: Number(m[1]), count: Number(m[2]) },
      postsThrough,
      pendingPostsFiles: (await postsFilesAfter(store, postsThrough ?? undefined)).length,
      updatedAt: typeof doc.updatedAt === 'string' ? doc.updatedAt : null,
    });
  }
  return out.sort((a, b) => a.shard.count - b.shard.count || a.shard.index - b.shard.index);
}
