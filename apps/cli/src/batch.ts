import { setTimeout as sleep } from 'node:timers/promises';
import { PulseError } from '@social-pulse/runtime';

/**
 * A small client of the Cloud Batch REST API (v1): submit the enrich job the Pulumi program
 * describes (`pulumi stack output enrichJob`) and follow it to the end. Only the three calls
 * it needs, with the caller's access token, so tests can point it at a fake on loopback.
 */
export interface BatchClientOptions {
  /** Default https://batch.googleapis.com. */
  endpoint?: string;
  /** An OAuth access token for the call (application default credentials in `pulse`). */
  token: () => Promise<string>;
}

export interface BatchTask {
  name: string;
  status?: { state?: string; statusEvents?: { type?: string; description?: string; eventTime?: string; taskState?: string }[] };
}

export interface BatchJob {
  name: string;
  uid?: string;
  status?: { state?: string; statusEvents?: { type?: string; description?: string; eventTime?: string }[]; taskGroups?: Record<string, { counts?: Record<string, string> }> };
  taskGroups?: { name?: string }[];
}

export class BatchClient {
  private readonly endpoint: string;

  constructor(private readonly opts: BatchClientOptions) {
    this.endpoint = (opts.endpoint ?? 'https://batch.googleapis.com').replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.endpoint}/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.opts.token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 500);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      // 4xx other than 429: the request itself is wrong (permission, quota, bad body).
      throw new PulseError(`Cloud Batch ${method} ${path}: HTTP ${res.status}: ${message}`, res.status >= 400 && res.status < 500 && res.status !== 429 ? 2 : 1);
    }
    return JSON.parse(text) as T;
  }

  /** projects.locations.jobs.create */
  submit(project: string, region: string, jobId: string, job: unknown): Promise<BatchJob> {
    return this.call('POST', `projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(region)}/jobs?job_id=${encodeURIComponent(jobId)}`, job);
  }

  /** projects.locations.jobs.get */
  get(name: string): Promise<BatchJob> {
    return this.call('GET', name);
  }

  /** projects.locations.jobs.taskGroups.tasks.list, every page. */
  async tasks(taskGroup: string): Promise<BatchTask[]> {
    const all: BatchTask[] = [];
    let page: string | undefined;
    do {
      const r = await this.call<{ tasks?: BatchTask[]; nextPageToken?: string }>('GET', `${taskGroup}/tasks?pageSize=1000${page ? `&pageToken=${encodeURIComponent(page)}` : ''}`);
      all.push(...(r.tasks ?? []));
      page = r.nextPageToken || undefined;
    } while (page);
    return all;
  }
}

export interface FollowOptions {
  out: (line: string) => void;
  /** Between polls (default 15 s). */
  intervalMs?: number;
  signal?: AbortSignal;
}

const taskIndex = (name: string) => name.slice(name.lastIndexOf('/') + 1);
const lastEvent = (t: BatchTask) => t.status?.statusEvents?.at(-1)?.description;

/**
 * Polls the job until it succeeds or fails, printing each task's state changes (with the
 * reason Batch gives when one fails, and when Batch retries it) and a count of tasks per state.
 * Resolves with the finished job; a failed job is a PulseError naming its failed tasks.
 */
export async function followJob(client: BatchClient, name: string, o: FollowOptions): Promise<BatchJob> {
  const seen = new Map<string, string>();
  let lastSummary = '';
  for (;;) {
    const job = await client.get(name);
    const group = job.taskGroups?.[0]?.name ?? `${name}/taskGroups/group0`;
    const tasks = await client.tasks(group);
    for (const t of tasks) {
      const state = t.status?.state ?? 'STATE_UNSPECIFIED';
      const before = seen.get(t.name);
      if (before === state) continue;
      seen.set(t.name, state);
      const why = state === 'FAILED' || (before === 'FAILED' && state !== 'SUCCEEDED') ? lastEvent(t) : undefined;
      o.out(`task ${taskIndex(t.name)}: ${state.toLowerCase()}${before === 'FAILED' && state !== 'FAILED' ? ' (retried by Batch; the shard resumes)' : ''}${why ? ` — ${why}` : ''}`);
    }
    const counts = new Map<string, number>();
    for (const state of seen.values()) counts.set(state, (counts.get(state) ?? 0) + 1);
    const jobState = job.status?.state ?? 'STATE_UNSPECIFIED';
    const summary = `job ${jobState.toLowerCase()}: ${[...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ') || 'no tasks yet'}`;
    if (summary !== lastSummary) o.out(summary);
    lastSummary = summary;
    if (jobState === 'SUCCEEDED') return job;
    if (jobState === 'FAILED' || jobState === 'DELETION_IN_PROGRESS') {
      const failed = tasks.filter((t) => t.status?.state === 'FAILED').map((t) => `task ${taskIndex(t.name)}${lastEvent(t) ? ` (${lastEvent(t)})` : ''}`);
      const why = job.status?.statusEvents?.at(-1)?.description;
      throw new PulseError(`Cloud Batch job ${name} ${jobState.toLowerCase()}${why ? `: ${why}` : ''}${failed.length ? `; failed: ${failed.join(', ')}` : ''}. Submitting it again runs every shard again; finished shards find nothing to do`, 1);
    }
    await sleep(o.intervalMs ?? 15_000, undefined, o.signal ? { signal: o.signal } : undefined);
  }
}
