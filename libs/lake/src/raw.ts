import { gunzipSync, gzipSync } from 'node:zlib';
import { scrubSecretsInJson } from '@social-pulse/runtime';
import { rawKey, rawSidecarKey } from '@social-pulse/schema';
import { encodeSidecar, type SidecarInput } from './sidecar.ts';
import { AlreadyExistsError, type LakeStore } from './store/store.ts';

/** What a page may land with: its sidecar, and a hook between the sidecar and the page (for crash tests). */
export interface LandOptions {
  /** The page's normalized posts, landed beside it (see sidecar.ts); none when undefined. */
  sidecar?: SidecarInput;
  /** Called once the sidecar has landed, before the page does. */
  afterSidecar?(): void;
}

/**
 * The raw zone: every fetched page as it arrived, gzip-compressed, never rewritten.
 * Names sort by time (`<run_id>-<seq>`), which lets readers pick up "everything after X"
 * (LAKE_ZONES.raw, ./zone.ts).
 * A page is kept as it arrived except for secrets: every value in this process's registry
 * (the environment's credentials and the tokens a source obtained during the run) that a
 * server echoed is replaced by `***` before the page lands, so no later step ever reads it.
 *
 * Beside a page may land its sidecar (`<run_id>-<seq>.posts.ndjson.gz`, see sidecar.ts): the
 * posts the scraper normalized from it. The sidecar lands first, then the page, each
 * atomically: a scrape killed in between leaves a sidecar without a page, which nothing
 * reads (readers start from pages; the name is never used again: each run and attempt lands
 * under names of its own), never a page with a wrong sidecar. It is scrubbed as the page is,
 * and it is landed only when the page held no registered secret, so that the posts it holds
 * are exactly those the lake writer would normalize from the scrubbed page.
 */
export class RawZone {
  private seq = 0;
  constructor(
    private readonly store: LakeStore,
    private readonly runId: string,
  ) {}

  /** Land one page (a JSON envelope), and its sidecar when given; returns the page's key. */
  async land(source: string, fetchedAt: string, text: string, opts: LandOptions = {}): Promise<string> {
    const key = rawKey(source, fetchedAt.slice(0, 10), this.runId, this.seq++);
    const scrubbed = scrubSecretsInJson(text);
    const page = gzipSync(scrubbed);
    if (opts.sidecar && scrubbed === text) {
      await landSidecar(this.store, key, page.byteLength, opts.sidecar);
      opts.afterSidecar?.();
    }
    await this.store.write(key, page, { ifAbsent: true });
    return key;
  }
}

/**
 * Lands the sidecar of the raw page `pageKey` (`pageBytes`: the page's size as stored), scrubbed
 * of the registry's secrets and gzip-compressed. Like every object of raw/, it is created once
 * and never replaced (on Cloud Storage: ifGenerationMatch=0). One already there under this name
 * stays: names are the run's and the attempt's own, so none is expected, and the lake writer
 * would take one only if its stamp and its page's size both match.
 */
export async function landSidecar(store: LakeStore, pageKey: string, pageBytes: number, sidecar: SidecarInput): Promise<void> {
  await store.write(rawSidecarKey(pageKey), gzipSync(scrubSecretsInJson(encodeSidecar(sidecar, pageBytes))), { ifAbsent: true }).catch((e: unknown) => {
    if (!(e instanceof AlreadyExistsError)) throw e;
  });
}

export function gunzipText(data: Buffer): string {
  return gunzipSync(data).toString('utf8');
}
