import { beforeAll, describe, expect, it } from 'vitest';
import { settled, single, useMocks, valueOf } from './mocks.ts';
import type { Declared } from './mocks.ts';

// A stack with two T4s on an explicitly chosen N1 machine type.
let declared: Declared[];

beforeAll(async () => {
  declared = await useMocks({ 'social-pulse:gpu': 'nvidia-tesla-t4', 'social-pulse:gpuCount': '2', 'social-pulse:machineType': 'n1-standard-8' });
  const program = await import('../index.ts');
  await valueOf(program.vmName);
  await settled();
});

describe('GPU stack (nvidia-tesla-t4 x2)', () => {
  it('attaches two T4s to the configured N1 machine type and terminates on maintenance', () => {
    const vm = single(declared, 'gcp:compute/instance:Instance').inputs;
    expect(vm['machineType']).toBe('n1-standard-8');
    expect(vm['guestAccelerators']).toEqual([{ type: 'nvidia-tesla-t4', count: 2 }]);
    expect(vm['scheduling']).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: true });
  });
});
