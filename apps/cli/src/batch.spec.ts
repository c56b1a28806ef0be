import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchClient, followJob, type BatchTask } from './batch.ts';

const JOB = 'projects/p1/locations/us-central1/jobs/enrich-1';
const GROUP = `${JOB}/taskGroups/group0`;
const task = (i: number, state: string, description?: string): BatchTask => ({
  name: `${GROUP}/tasks/${i}`,
  status: { state, ...(description ? { statusEvents: [{ type: 'STATUS_CHANGED', description }] } : {}) },
});

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

/** A stand-in for batch.googleapis.com on loopback: job states and task lists played in order, one per poll. */
async function fakeBatch(jobStates: string[], taskLists: BatchTask[][], createStatus = 200) {
  const seen: Seen[] = [];
  let polls = 0;
  let lists = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const json = (status: number, v: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      if (req.method === 'POST' && req.url!.startsWith('/v1/projects/p1/locations/us-central1/jobs?job_id=')) {
        return createStatus === 200 ? json(200, { name: JOB, status: { state: 'QUEUED' } }) : json(createStatus, { error: { code: createStatus, message: 'Permission batch.jobs.create denied' } });
      }
      if (req.method === 'GET' && req.url === `/v1/${JOB}`) {
        const state = jobStates[Math.min(polls++, jobStates.length - 1)]!;
        return json(200, { name: JOB, taskGroups: [{ name: GROUP }], status: { state, ...(state === 'FAILED' ? { statusEvents: [{ description: 'Job state is set from RUNNING to FAILED' }] } : {}) } });
      }
      if (req.method === 'GET' && req.url!.startsWith(`/v1/${GROUP}/tasks?`)) return json(200, { tasks: taskLists[Math.min(lists++, taskLists.length - 1)] });
      json(404, { error: { message: `no route ${req.method} ${req.url}` } });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new BatchClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: async () => 'tok-123' });
  return { client, seen };
}

describe('the Cloud Batch client', () => {
  it('submits the job body and follows it to success, printing each task and a retried failure', async () => {
    const { client, seen } = await fakeBatch(
      ['QUEUED', 'RUNNING', 'RUNNING', 'SUCCEEDED'],
      [
        [],
        [task(0, 'RUNNING'), task(1, 'RUNNING')],
        [task(0, 'SUCCEEDED'), task(1, 'FAILED', 'Task state is updated from RUNNING to FAILED with exit code 137')],
        [task(0, 'SUCCEEDED'), task(1, 'SUCCEEDED')],
      ],
    );
    const body = { taskGroups: [{ taskCount: 2 }] };
    const job = await client.submit('p1', 'us-central1', 'enrich-1', body);
    expect(job.name).toBe(JOB);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/projects/p1/locations/us-central1/jobs?job_id=enrich-1', auth: 'Bearer tok-123' });
    expect(JSON.parse(seen[0]!.body)).toEqual(body);
    const lines: string[] = [];
    const done = await followJob(client, JOB, { out: (l) => lines.push(l), intervalMs: 0 });
    expect(done.status?.state).toBe('SUCCEEDED');
    expect(lines).toEqual([
      'job queued: no tasks yet',
      'task 0: running',
      'task 1: running',
      'job running: 2 running',
      'task 0: succeeded',
      'task 1: failed — Task state is updated from RUNNING to FAILED with exit code 137',
      'job running: 1 succeeded, 1 failed',
      'task 1: succeeded (retried by Batch; the shard resumes)',
      'job succeeded: 2 succeeded',
    ]);
    expect(seen.every((s) => s.auth === 'Bearer tok-123')).toBe(true);
  });

  it('a failed job is an error naming its failed tasks and why', async () => {
    const { client } = await fakeBatch(['RUNNING', 'FAILED'], [[task(0, 'RUNNING')], [task(0, 'FAILED', 'exit code 1 after 3 retries')]]);
    const lines: string[] = [];
    await expect(followJob(client, JOB, { out: (l) => lines.push(l), intervalMs: 0 })).rejects.toThrow(
      /Cloud Batch job .*enrich-1 failed: Job state is set from RUNNING to FAILED; failed: task 0 \(exit code 1 after 3 retries\)/,
    );
    expect(lines).toContain('task 0: failed — exit code 1 after 3 retries');
  });

  it('a refused submission says why, as a permanent error', async () => {
    const { client } = await fakeBatch([], [], 403);
    await expect(client.submit('p1', 'us-central1', 'enrich-1', {})).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 403: Permission batch\.jobs\.create denied/),
      exitCode: 2,
    });
  });
});
