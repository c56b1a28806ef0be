import type { LakeLocation } from '@social-pulse/config';
import { LocalStore } from './store/local.ts';
import type { LakeStore } from './store/store.ts';

/** The lake store a configuration names. */
export async function openLake(location: LakeLocation): Promise<LakeStore> {
  if (location.kind === 'local') return new LocalStore(location.root);
  throw new Error(`gs://${location.bucket}: the Cloud Storage lake is not available in this build yet`);
}
