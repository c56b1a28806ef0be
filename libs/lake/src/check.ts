import type { LakeLocation } from '@social-pulse/config';
import { gcpCredentialsCheck, gcpResourceFailure, type CloudCheck } from '@social-pulse/runtime';
import { gcsClient } from './open.ts';

/** One line of `pulse doctor`: what was checked, whether it passed, and what to fix. */
export type LakeCheck = CloudCheck;

/**
 * Checks what a Cloud Storage lake needs before a run: application default credentials and
 * the bucket. (Whether it is writable is the caller's probe write, the same for both lakes.)
 */
export async function checkGcsLake(location: Extract<LakeLocation, { kind: 'gcs' }>): Promise<LakeCheck[]> {
  const storage = gcsClient();
  const emulator = { variable: 'STORAGE_EMULATOR_HOST', value: process.env.STORAGE_EMULATOR_HOST, service: 'Cloud Storage' };
  const creds = await gcpCredentialsCheck('gcs credentials', emulator, () => storage.authClient.getCredentials());
  if (creds.ok === false) return [creds];
  try {
    // Listing needs only storage.objects.list, which the pipeline's role has (reading the bucket's metadata would need storage.buckets.get).
    await storage.bucket(location.bucket).getFiles({ maxResults: 1, autoPaginate: false, ...(location.prefix ? { prefix: `${location.prefix}/` } : {}) });
    return [creds, { what: 'gcs bucket', ok: true, detail: `gs://${location.bucket} exists` }];
  } catch (e) {
    return [
      creds,
      gcpResourceFailure('gcs bucket', `gs://${location.bucket}`, e, {
        notFound: `gs://${location.bucket} does not exist. Fix: \`pulumi up\` creates it and prints it as the lakeUri output (see README, Cloud); or set lake: to an existing bucket`,
        forbidden: `no access to gs://${location.bucket}. Fix: grant the credentials roles/storage.objectAdmin on the bucket (the service account \`pulumi up\` created has it)`,
      }),
    ];
  }
}
