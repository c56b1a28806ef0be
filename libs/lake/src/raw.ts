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
  const m = after ? /^(\d{4})(\d{2})(\d{2})T/.exec(after) : null;
  let listed: LakeObject[];
  if (m) {
    const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 86_400_000).toISOString().slice(0, 10);
    listed = (await Promise.all(SOURCE_NAMES.map((s) => store.list(`${LAKE.raw}/source=${s}/`, { startAfter: `${LAKE.raw}/source=${s}/dt=${from}` })))).flat();
  } else {
    listed = await store.list(`${LAKE.raw}/`);
  }
  const files = listed.filter((f) => f.key.endsWith('.json.gz') && (!after || rawOrder(f.key) > after));
  return files.sort((a, b) => (rawOrder(a.key) < rawOrder(b.key) ? -1 : rawOrder(a.key) > rawOrder(b.key) ? 1 : 0));
}

export function gunzipText(data: Buffer): string {
  return gunzipSync(data).toString('utf8');
}
