import { createRequire } from 'node:module';
import type * as BigQueryClient from '@google-cloud/bigquery';
import type { BigQueryOptions } from '@google-cloud/bigquery';

/** Google's BigQuery client, loaded when first used: a run on DuckDB never loads it. */
export const bigquery = (): typeof BigQueryClient => createRequire(import.meta.url)('@google-cloud/bigquery');

/**
 * Client options for a BigQuery stand-in at `endpoint` (an emulator, or the tests' fake):
 * requests go there and carry no credentials, as `@google-cloud/storage` does for
 * `STORAGE_EMULATOR_HOST`. The BigQuery client has no such mode of its own, so the auth
 * client given here adds no header and never looks for credentials or a metadata server.
 * Real BigQuery is only ever reached with application default credentials.
 */
export function emulatorClientOptions(endpoint: string): BigQueryOptions {
  const noCredentials = { getRequestHeaders: async () => new Headers(), getProjectId: async () => undefined };
  return { apiEndpoint: endpoint.replace(/\/bigquery\/v2\/?$/, ''), authClient: noCredentials as unknown as BigQueryOptions['authClient'] };
}
