import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnrichJob } from '../components/enrich-batch-job.ts';
import type * as Program from '../index.ts';
import { ofType, settled, single, useMocks, valueOf } from './mocks.ts';
import type { Declared } from './mocks.ts';

// A stack with a Cloud Batch job of 8 enrich shards, 4 at a time, on L4 GPUs.
let declared: Declared[];
let program: typeof Program;
let job: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  declared = await useMocks({ 'social-pulse:enrichJob': JSON.stringify({ tasks: 8, parallelism: 4, machineType: 'g2-standard-8', gpu: 'nvidia-l4' }) });
  program = await import('../index.ts');
  job = JSON.parse((await valueOf(program.enrichJob!)) as string) as Record<string, unknown>;
  await settled();
});

describe('enrichJob: the enrich shards as a Cloud Batch job', () => {
  it('runs N tasks, each its own shard (pulse enrich --shard auto), retried by Batch', () => {
    const group = job['taskGroups'][0];
    expect(group).toMatchObject({ taskCount: 8, parallelism: 4, taskSpec: { maxRetryCount: 3 } });
    const script = String(group.taskSpec.runnables[0].script.text);
    expect(script).toContain("git clone --quiet -- 'https://github.com/example/social-pulse.git'");
    // The same pinned commit and Node.js line as the VM: a task never runs what a branch holds now.
    expect(program.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(script).toContain(`checkout --quiet --force --detach '${program.commit}'`);
    expect(script).toContain('https://deb.nodesource.com/node_24.x');
    expect(script).toContain('--onnxruntime-node-install=cuda12');
    expect(script).toMatch(/exec node apps\/cli\/bin\/pulse\.mjs enrich --shard auto --config pulse\.config\.yaml\n$/);
    expect(script).toContain('lake: "gs://');
  });

  it('runs as the pipeline service account, on the private subnetwork with no public IP, with the GPU', () => {
    const policy = job['allocationPolicy'];
    expect(policy.serviceAccount.email).toBe(`${String(single(declared, 'gcp:serviceaccount/account:Account').inputs['accountId'])}@test-project.iam.gserviceaccount.com`);
    expect(policy.network.networkInterfaces).toEqual([{ subnetwork: expect.stringMatching(/^projects\/test-project\//), noExternalIpAddress: true }]);
    expect(policy.instances).toEqual([{ installGpuDrivers: true, policy: { machineType: 'g2-standard-8', accelerators: [{ type: 'nvidia-l4', count: 1 }] } }]);
  });

  it('grants the service account what Batch tasks and job submission need, and enables the Batch API', () => {
    const roles = ofType(declared, 'gcp:projects/iAMMember:IAMMember').filter((m) => String(m.name).startsWith('pulse-enrich-')).map((m) => m.inputs['role']);
    expect(roles.sort()).toEqual(['roles/batch.agentReporter', 'roles/batch.jobsEditor', 'roles/logging.logWriter']);
    const actAs = single(declared, 'gcp:serviceaccount/iAMMember:IAMMember').inputs;
    expect(actAs).toMatchObject({ role: 'roles/iam.serviceAccountUser', serviceAccountId: expect.stringMatching(/^projects\/test-project\/serviceAccounts\/.+@/) });
    expect(ofType(declared, 'gcp:projects/service:Service').map((s) => s.inputs['service'])).toContain('batch.googleapis.com');
  });

  it('refuses bad settings with the field named', () => {
    expect(parseEnrichJob(undefined)).toBeUndefined();
    // Pulumi.yaml's default: no job.
    expect(parseEnrichJob({})).toBeUndefined();
    expect(() => parseEnrichJob([])).toThrow(/enrichJob: expected an object/);
    expect(parseEnrichJob({ tasks: 4 })).toEqual({ tasks: 4, parallelism: 4, machineType: 'c3-standard-8', gpu: undefined, maxRetryCount: 3 });
    expect(parseEnrichJob({ tasks: '6', parallelism: '2', gpu: 'nvidia-l4' })).toMatchObject({ tasks: 6, parallelism: 2, machineType: 'g2-standard-4', gpu: 'nvidia-l4' });
    expect(() => parseEnrichJob({ tasks: 0 })).toThrow(/enrichJob\.tasks: expected a whole number from 1/);
    expect(() => parseEnrichJob({ tasks: 2, parallelism: 3 })).toThrow(/enrichJob\.parallelism/);
    expect(() => parseEnrichJob({ tasks: 2, gpu: 'h100' })).toThrow(/enrichJob\.gpu: expected one of none, nvidia-l4/);
    expect(() => parseEnrichJob({ tasks: 2, taks: 3 })).toThrow(/enrichJob\.taks: unknown setting/);
  });
});
