import type { WarehouseLocation } from '@social-pulse/config';
import { gcpCredentialsCheck, gcpResourceFailure, type CloudCheck } from '@social-pulse/runtime';
import { bigquery, emulatorClientOptions } from './client.ts';

export type { CloudCheck };

/**
 * Checks what the BigQuery warehouse needs before a run: application default credentials
 * (and the project they belong to) and the dataset. Each failure says what to do.
 */
export async function checkBigQuery(location: Extract<WarehouseLocation, { kind: 'bigquery' }>): Promise<CloudCheck[]> {
  const emulator = process.env.BIGQUERY_EMULATOR_HOST;
  const bq = new (bigquery().BigQuery)({ projectId: location.project, ...(emulator ? emulatorClientOptions(emulator) : {}) });
  const ds = `${location.project}.${location.dataset}`;
  const creds = await gcpCredentialsCheck(
    'gcp credentials',
    { variable: 'BIGQUERY_EMULATOR_HOST', value: emulator, service: 'BigQuery' },
    () => bq.authClient.getCredentials(),
    async () => {
      const adcProject = await bq.authClient.getProjectId().catch(() => undefined);
      return adcProject && adcProject !== location.project ? `; their default project is ${adcProject}, the warehouse's is ${location.project} (fine if they have access to both)` : '';
    },
  );
  if (creds.ok === false) return [creds];
  try {
    const [meta] = await bq.dataset(location.dataset).getMetadata();
    const where = meta.location ? ` in ${meta.location}` : '';
    const mismatch = location.location && meta.location && location.location.toUpperCase() !== String(meta.location).toUpperCase();
    return [
      creds,
      {
        what: 'bigquery dataset',
        ok: mismatch ? false : true,
        detail: mismatch ? `${ds} is in ${meta.location}, the URI says ?location=${location.location}: fix the warehouse URI` : `${ds} exists${where}`,
      },
    ];
  } catch (e) {
    return [
      creds,
      gcpResourceFailure('bigquery dataset', ds, e, {
        notFound: `${ds} does not exist. Fix: \`pulumi up\` creates it (see README, Cloud), or \`bq mk --dataset ${location.project}:${location.dataset}\``,
        forbidden: `no access to ${ds}. Fix: grant the credentials roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on the project`,
      }),
    ];
  }
}
