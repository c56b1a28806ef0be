import { beforeAll, describe, expect, it } from 'vitest';
import type * as Program from '../index.ts';
import { ofType, settled, single, useMocks, valueOf } from './mocks.ts';
import type { Declared } from './mocks.ts';

// A stack under an organisation policy gcp.resourceLocations that allows only two EU regions,
// and a lake that can be rebuilt, so soft delete is off.
let declared: Declared[];

beforeAll(async () => {
  declared = await useMocks({ 'social-pulse:secretReplicas': 'europe-west4,europe-west1', 'social-pulse:softDeleteDays': '0' });
  const program: typeof Program = await import('../index.ts');
  await valueOf(program.pulseConfig);
  await settled();
});

describe('secretReplicas and softDeleteDays', () => {
  it('replicates every secret to the configured regions only (user-managed replication)', () => {
    const secrets = ofType(declared, 'gcp:secretmanager/secret:Secret');
    expect(secrets).toHaveLength(5);
    for (const s of secrets) {
      expect(s.inputs['replication']).toEqual({ userManaged: { replicas: [{ location: 'europe-west4' }, { location: 'europe-west1' }] } });
    }
  });

  it('turns soft delete off with 0', () => {
    expect(single(declared, 'gcp:storage/bucket:Bucket').inputs['softDeletePolicy']).toEqual({ retentionDurationSeconds: 0 });
  });
});
