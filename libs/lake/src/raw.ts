import { gunzipSync, gzipSync } from 'node:zlib';
import { scrubSecretsInJson } from '@social-pulse/runtime';
import { rawKey } from '@social-pulse/schema';
import type { LakeStore } from './store/store.ts';

/**
 * The raw zone: every fetched page as it arrived, gzip-compressed, never rewritten.
 * Names sort by time (`<run_id>-<seq>`), which lets readers pick up "everything after X"
 * (LAKE_ZONES.raw, ./zone.ts).
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

export function gunzipText(data: Buffer): string {
  return gunzipSync(data).toString('utf8');
}
