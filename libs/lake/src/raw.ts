import { gunzipSync, gzipSync } from 'node:zlib';
import { scrubSecretsInJson } from '@social-pulse/runtime';
import { LAKE, rawKey, SOURCE_NAMES } from '@social-pulse/schema';
import type { LakeObject, LakeStore } from './store/store.ts';

/**
 * The raw zone: every fetched page as it arrived, gzip-compressed, never rewritten.
 * Names sort by time (`<run_id>-<seq>`), which lets readers pick up "everything after X".
 * A page is kept as it arrived except for secrets: every value in this process's registry
 * (the environment's credentials and the tokens a source obtained during the run) that a
 * server echoed is replaced by `***` before the page lands, so no later step ever reads it.
 */
export class RawZone {
  private seq = 0;
  constructor(
    private readonly store: LakeStore,
    private readonly runId: string,
  ) {}

  /** Land one page (a JSON envelope); returns its key. */
  async land(source: string, fetchedAt: string, text: string): Promise<string> {
    const key = rawKey(source, fetchedAt.slice(0, 10), this.runId, this.seq++);
    await this.store.write(key, gzipSync(scrubSecretsInJson(text)), { ifAbsent: true });
    return key;
  }
}

/** The `<run_id>-<seq>` part of a raw key: the order in which pages were landed. */
export function rawOrder(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1).replace(/\.json\.gz$/, '');
}

/**
 * Raw files landed after `after` (a rawOrder value), oldest first, across all sources.
 *
 * Only the `dt=` partitions that can hold them are listed, so that the cost of an incremental
 * run does not grow with the raw zone: a page's `dt` is the day it was fetched, which is never
 * before the day its run started, and a run id begins with its start time (`20261124T…`).
 * (One day of margin is kept for clocks that step back.)
 */
export async function rawFilesAfter(store: LakeStore, after: string | undefined): Promise<LakeObject[]> {
  const files = (await listRawFrom(store, after)).filter((f) => !after || rawOrder(f.key) > after);
  return files.sort((a, b) => (rawOrder(a.key) < rawOrder(b.key) ? -1 : rawOrder(a.key) > rawOrder(b.key) ? 1 : 0));
}

/** Raw files of the days that can hold pages landed at or after `after` (see rawFilesAfter). */
async function listRawFrom(store: LakeStore, after: string | undefined): Promise<LakeObject[]> {
  const m = after ? /^(\d{4})(\d{2})(\d{2})T/.exec(after) : null;
  let listed: LakeObject[];
  if (m) {
    const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 86_400_000).toISOString().slice(0, 10);
    listed = (await Promise.all(SOURCE_NAMES.map((s) => store.list(`${LAKE.raw}/source=${s}/`, { startAfter: `${LAKE.raw}/source=${s}/dt=${from}` })))).flat();
  } else {
    listed = await store.list(`${LAKE.raw}/`);
  }
  return listed.filter((f) => f.key.endsWith('.json.gz'));
}

/** How far ahead of this host's clock another host's may be before a run id counts as "from the future". */
const CLOCK_SKEW_MS = 3_600_000;

/**
 * Why a watermark named after a run id (`20261124T101500Z-…`, `part-20261124T…`) cannot be
 * right, or undefined: one later than now was written by a clock running ahead, and every
 * name written since sorts before it, so nothing new would ever be read after it.
 */
export function watermarkFromFuture(watermark: string, now: Date): string | undefined {
  const t = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(watermark);
  const at = t ? Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6])) : NaN;
  return at > now.getTime() + CLOCK_SKEW_MS
    ? `${watermark} is later than now (${now.toISOString()}): it was written by a clock running ahead, and what was written since sorts before it, so none of it would be read`
    : undefined;
}

/**
 * Why `after` cannot be a watermark of this raw zone (undefined when it can): a watermark
 * later than now (see watermarkFromFuture), or one past every raw page, which names no page at
 * all. Either way every page landed since sorts before it and would never be merged.
 */
export async function rawWatermarkProblem(store: LakeStore, after: string, now: Date): Promise<string | undefined> {
  const future = watermarkFromFuture(after, now);
  if (future) return future;
  if ((await listRawFrom(store, after)).some((f) => rawOrder(f.key) >= after)) return undefined;
  // Past every page: say where the raw zone really ends (a full listing, on this error path only).
  const newest = (await store.list(`${LAKE.raw}/`)).filter((f) => f.key.endsWith('.json.gz')).map((f) => rawOrder(f.key)).sort().at(-1);
  return `${after} names no raw page, and no raw page is newer (${newest ? `the newest is ${newest}` : 'raw/ is empty'}): pages landed later may sort before it and would never be merged`;
}

export function gunzipText(data: Buffer): string {
  return gunzipSync(data).toString('utf8');
}
