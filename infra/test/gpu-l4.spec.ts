import { beforeAll, describe, expect, it } from 'vitest';
import type * as Program from '../index.ts';
import { settled, single, useMocks, valueOf } from './mocks.ts';
import type { Declared } from './mocks.ts';

// A stack with an L4 GPU and no machineType: the program picks g2-standard-4.
let declared: Declared[];
let program: typeof Program;

beforeAll(async () => {
  declared = await useMocks({ 'social-pulse:gpu': 'nvidia-l4' });
  program = await import('../index.ts');
  await valueOf(program.pulseConfig);
  await settled();
});

describe('GPU stack (nvidia-l4)', () => {
  it('attaches one L4 to a g2-standard-4', () => {
    const vm = single(declared, 'gcp:compute/instance:Instance').inputs;
    expect(vm['machineType']).toBe('g2-standard-4');
    expect(vm['guestAccelerators']).toEqual([{ type: 'nvidia-l4', count: 1 }]);
  });

  it('terminates (and restarts) on host maintenance, since a GPU VM cannot live-migrate', () => {
    const vm = single(declared, 'gcp:compute/instance:Instance').inputs;
    expect(vm['scheduling']).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: true });
  });

  it('keeps Shielded VM on: the signed Ubuntu driver modules load under Secure Boot', () => {
    const vm = single(declared, 'gcp:compute/instance:Instance').inputs;
    expect(vm['shieldedInstanceConfig']).toEqual({ enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true });
  });

  it('installs the driver and the CUDA libraries, and runs NLP on CUDA', async () => {
    const script = String(single(declared, 'gcp:compute/instance:Instance').inputs['metadataStartupScript']);
    expect(script).toContain('ubuntu-drivers install --gpgpu');
    expect(script).toContain('libcudnn9-cuda-12');
    expect(script).toContain('--onnxruntime-node-install=cuda12');
    const yaml = await valueOf(program.pulseConfig);
    expect(yaml).toContain('nlp:\n  device: "cuda"\n');
  });
});
