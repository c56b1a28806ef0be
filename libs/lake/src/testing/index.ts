import type { Storage } from '@google-cloud/storage';
import { gcsClient } from '../open.ts';

export { startFakeGcs, type FakeGcs, type FakeObject, type RecordedRequest } from './fake-gcs.ts';

/**
 * A Cloud Storage client for a fake server: its endpoint (so no credentials are looked up,
 * as with `STORAGE_EMULATOR_HOST`), a fixed project, and retries quick enough for tests.
 */
export function fakeGcsClient(url: string): Storage {
  return gcsClient({
    apiEndpoint: url,
    projectId: 'test-project',
    retryOptions: { maxRetries: 3, retryDelayMultiplier: 1.1, maxRetryDelay: 2, totalTimeout: 30 },
  });
}
