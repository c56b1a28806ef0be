import type { LakeLocation } from '@social-pulse/config';
import { gcsClient } from './open.ts';

/** One line of `pulse doctor`: what was checked, whether it passed, and what to fix. */
export interface LakeCheck {
  what: string;
  ok: boolean | 'warn';
  detail: string;
}

const statusOf = (e: unknown) => (e as { code?: number }).code;

/**
 * Checks what a Cloud Storage lake needs before a run: application default credentials and
 * the bucket. (Whether it is writable is the caller's probe write, the same for both lakes.)
 */
export async function checkGcsLake(location: Extract<LakeLocation, { kind: 'gcs' }>): Promise<LakeCheck[]> {
  const checks: LakeCheck[] = [];
  const storage = gcsClient();
  const emulator = process.env.STORAGE_EMULATOR_HOST;
  if (emulator) {
    checks.push({ what: 'gcs credentials', ok: 'warn', detail: `STORAGE_EMULATOR_HOST=${emulator}: Cloud Storage requests go there, without credentials` });
  } else {
    try {
      const creds = await storage.authClient.getCredentials();
      checks.push({ what: 'gcs credentials', ok: true, detail: `application default credentials: ${creds.client_email ?? 'your user credentials (gcloud auth application-default login)'}` });
    } catch (e) {
      checks.push({
        what: 'gcs credentials',
        ok: false,
        detail: `no application default credentials (${(e as Error).message.split('\n')[0]}). Fix: run \`gcloud auth application-default login\` on a workstation, or run on the VM whose service account \`pulumi up\` created`,
      });
      return checks;
    }
  }
  try {
    // Listing needs only storage.objects.list, which the pipeline's role has (reading the bucket's metadata would need storage.buckets.get).
    await storage.bucket(location.bucket).getFiles({ maxResults: 1, autoPaginate: false, ...(location.prefix ? { prefix: `${location.prefix}/` } : {}) });
    checks.push({ what: 'gcs bucket', ok: true, detail: `gs://${location.bucket} exists` });
  } catch (e) {
    const code = statusOf(e);
    const detail =
      code === 404
        ? `gs://${location.bucket} does not exist. Fix: \`pulumi up\` creates it and prints it as the lakeUri output (see README, Cloud); or set lake: to an existing bucket`
        : code === 403
          ? `no access to gs://${location.bucket}. Fix: grant the credentials roles/storage.objectAdmin on the bucket (the service account \`pulumi up\` created has it)`
          : `gs://${location.bucket}: ${(e as Error).message}`;
    checks.push({ what: 'gcs bucket', ok: false, detail });
  }
  return checks;
}
