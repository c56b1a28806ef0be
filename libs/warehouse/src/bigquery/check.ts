import type { WarehouseLocation } from '@social-pulse/config';
import { bigquery, emulatorClientOptions } from './client.ts';

/** One line of `pulse doctor`: what was checked, whether it passed, and what to fix. */
export interface CloudCheck {
  what: string;
  ok: boolean | 'warn';
  detail: string;
}

const statusOf = (e: unknown) => (e as { code?: number }).code;

/**
 * Checks what the BigQuery warehouse needs before a run: application default credentials
 * (and the project they belong to) and the dataset. Each failure says what to do.
 */
export async function checkBigQuery(location: Extract<WarehouseLocation, { kind: 'bigquery' }>): Promise<CloudCheck[]> {
  const checks: CloudCheck[] = [];
  const emulator = process.env.BIGQUERY_EMULATOR_HOST;
  const bq = new (bigquery().BigQuery)({ projectId: location.project, ...(emulator ? emulatorClientOptions(emulator) : {}) });
  if (emulator) {
    checks.push({ what: 'gcp credentials', ok: 'warn', detail: `BIGQUERY_EMULATOR_HOST=${emulator}: BigQuery requests go there, without credentials` });
  } else {
    try {
      const creds = await bq.authClient.getCredentials();
      const adcProject = await bq.authClient.getProjectId().catch(() => undefined);
      const who = creds.client_email ?? 'your user credentials (gcloud auth application-default login)';
      const other = adcProject && adcProject !== location.project ? `; their default project is ${adcProject}, the warehouse's is ${location.project} (fine if they have access to both)` : '';
      checks.push({ what: 'gcp credentials', ok: true, detail: `application default credentials: ${who}${other}` });
    } catch (e) {
      checks.push({
        what: 'gcp credentials',
        ok: false,
        detail: `no application default credentials (${(e as Error).message.split('\n')[0]}). Fix: run \`gcloud auth application-default login\` on a workstation, or run on the VM whose service account \`pulumi up\` created`,
      });
      return checks;
    }
  }
  try {
    const [meta] = await bq.dataset(location.dataset).getMetadata();
    const where = meta.location ? ` in ${meta.location}` : '';
    const mismatch = location.location && meta.location && location.location.toUpperCase() !== String(meta.location).toUpperCase();
    checks.push({
      what: 'bigquery dataset',
      ok: mismatch ? false : true,
      detail: mismatch
        ? `${location.project}.${location.dataset} is in ${meta.location}, the URI says ?location=${location.location}: fix the warehouse URI`
        : `${location.project}.${location.dataset} exists${where}`,
    });
  } catch (e) {
    const code = statusOf(e);
    const detail =
      code === 404
        ? `${location.project}.${location.dataset} does not exist. Fix: \`pulumi up\` creates it (see README, Cloud), or \`bq mk --dataset ${location.project}:${location.dataset}\``
        : code === 403
          ? `no access to ${location.project}.${location.dataset}. Fix: grant the credentials roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on the project`
          : `${location.project}.${location.dataset}: ${(e as Error).message}`;
    checks.push({ what: 'bigquery dataset', ok: false, detail });
  }
  return checks;
}
