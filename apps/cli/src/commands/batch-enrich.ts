import { readFile } from 'node:fs/promises';
import { gcsClient } from '@social-pulse/lake';
import { PulseError, maskSecrets, newRunId } from '@social-pulse/runtime';
import { BatchClient, followJob } from '../batch.ts';

// Task failures quote what Batch and the task's VM said: masked like every other report line.
const out = (line: string) => process.stdout.write(`${maskSecrets(line)}\n`);

/**
 * `pulse enrich --batch job.json`: submit the Cloud Batch job of enrich shards that the Pulumi
 * program describes (`pulumi stack output enrichJob > job.json`) and follow it to the end.
 * Credentials: application default credentials, as for the lake.
 */
export async function batchEnrichCommand(o: { batch: string; project?: string; region?: string }): Promise<void> {
  const project = o.project ?? process.env.GOOGLE_CLOUD_PROJECT;
  if (!project) throw new PulseError('--batch: give --project (or set GOOGLE_CLOUD_PROJECT)', 2);
  const region = o.region ?? 'us-central1';
  let body: unknown;
  try {
    body = JSON.parse(await readFile(o.batch, 'utf8'));
  } catch (e) {
    throw new PulseError(`--batch: ${o.batch} is not a job file (${(e as Error).message}); write one with \`pulumi stack output enrichJob > ${o.batch}\``, 2);
  }
  const auth = gcsClient().authClient;
  const client = new BatchClient({
    ...(process.env.PULSE_BATCH_ENDPOINT ? { endpoint: process.env.PULSE_BATCH_ENDPOINT } : {}),
    token: async () => {
      const token = await auth.getAccessToken();
      if (!token) throw new PulseError('no Google access token: run on the pipeline VM, or `gcloud auth application-default login`', 2);
      return token;
    },
  });
  const jobId = `pulse-enrich-${newRunId().toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
  const job = await client.submit(project, region, jobId, body);
  out(`submitted ${job.name}`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    await followJob(client, job.name, { out, signal: controller.signal });
  } catch (e) {
    if (controller.signal.aborted) {
      out(`stopped following; the job goes on: gcloud batch jobs describe ${jobId} --location ${region} --project ${project}`);
      return;
    }
    throw e;
  }
  out('every shard is done: run `pulse load` to load the labels');
}
