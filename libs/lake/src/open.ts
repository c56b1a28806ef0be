import { createRequire } from 'node:module';
import type * as GcsClient from '@google-cloud/storage';
import type { Storage, StorageOptions } from '@google-cloud/storage';
import type { LakeLocation } from '@social-pulse/config';
import { GcsStore } from './store/gcs.ts';
import { LocalStore } from './store/local.ts';
import type { LakeStore } from './store/store.ts';

export interface OpenLakeOptions {
  /**
   * Extra Cloud Storage client options (tests pass `apiEndpoint`). Without them the client
   * uses Google's application default credentials, and `STORAGE_EMULATOR_HOST` when set.
   */
  gcs?: StorageOptions;
  /** Local cache of downloaded objects (default: `PULSE_CACHE_DIR` or the temp folder). */
  cacheDir?: string;
}

/** The Cloud Storage client of a lake: application default credentials, the client's own retries. */
export function gcsClient(opts: StorageOptions = {}): Storage {
  // Loaded here, not on import: a run on a local lake never loads Google's client.
  const { Storage } = createRequire(import.meta.url)('@google-cloud/storage') as typeof GcsClient;
  return new Storage({ userAgent: 'social-pulse', ...opts });
}

/** The lake store a configuration names. */
export async function openLake(location: LakeLocation, opts: OpenLakeOptions = {}): Promise<LakeStore> {
  if (location.kind === 'local') return new LocalStore(location.root);
  const cacheDir = opts.cacheDir ?? process.env.PULSE_CACHE_DIR;
  return new GcsStore({
    storage: gcsClient(opts.gcs),
    bucket: location.bucket,
    prefix: location.prefix,
    ...(cacheDir ? { cacheDir } : {}),
  });
}
