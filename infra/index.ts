// social-pulse on GCP: `pulumi up` gives a running pipeline, `pulumi destroy` removes it.
// Each piece is a component in ./components; this file only wires them together.
import * as pulumi from '@pulumi/pulumi';
import { LakeBucket } from './components/lake-bucket.ts';
import { PipelineIdentity } from './components/pipeline-identity.ts';
import { PipelineSecrets } from './components/pipeline-secrets.ts';
import { PipelineVm } from './components/pipeline-vm.ts';
import { PrivateNetwork } from './components/private-network.ts';
import { ProjectApis } from './components/project-apis.ts';
import { RunAlerts, runOutputFilter } from './components/run-alerts.ts';
import { Warehouse } from './components/warehouse.ts';
import { resolveCommit } from './commit.ts';
import { loadConfig } from './config.ts';
import { labels as labelsFor, serviceAccountId } from './names.ts';
import { DASHBOARD_PORT, pulseConfigYaml } from './pulse-config.ts';
import { EnrichBatchJob, parseEnrichJob } from './components/enrich-batch-job.ts';
import { startupScript } from './startup-script.ts';
import { VM } from './vm-layout.ts';

// 1. Configuration, validated before anything is declared.
const { settings, credentials } = loadConfig();
const { project } = settings;
const labels = labelsFor(settings.stack);
const SSH_TAG = 'social-pulse-ssh-from-iap';

// The code the VM runs, pinned now: what this preview shows is what the VM installs.
const pin = (() => {
  try {
    return resolveCommit(settings.commit);
  } catch (e) {
    throw new pulumi.RunError((e as Error).message);
  }
})();
if (pin.warning) void pulumi.log.warn(pin.warning);

// 2. The APIs everything else needs.
const apis = new ProjectApis('pulse-apis', { project });
const afterApis = { dependsOn: [apis] };

// 3. Data: the lake bucket and the warehouse dataset with its tables.
const lake = new LakeBucket(
  'pulse-lake',
  {
    project,
    location: settings.location,
    rawColdAfterDays: settings.rawColdAfterDays,
    rawColdStorageClass: settings.rawColdStorageClass,
    forceDestroy: settings.forceDestroy,
    softDeleteDays: settings.softDeleteDays,
    labels,
  },
  afterApis,
);
const warehouse = new Warehouse(
  'pulse-warehouse',
  { project, datasetId: settings.datasetId, location: settings.location, deletionProtection: settings.deletionProtection, labels },
  afterApis,
);

// 4. Who the pipeline runs as, and the credentials only it may read.
const identity = new PipelineIdentity(
  'pulse-pipeline',
  { project, accountId: serviceAccountId(settings.stack), bucketName: lake.bucketName, datasetId: warehouse.datasetId },
  afterApis,
);
const secrets = new PipelineSecrets(
  'pulse-secrets',
  { project, accessor: identity.member, secrets: credentials, labels, ...(settings.secretReplicas ? { replicas: settings.secretReplicas } : {}) },
  afterApis,
);

// 5. A private network: no inbound but SSH from IAP, outbound through Cloud NAT.
const network = new PrivateNetwork('pulse-net', { project, region: settings.region, cidr: '10.20.0.0/24', sshTag: SSH_TAG }, afterApis);

// 6. The VM: pulse.config.yaml, the timer and the dashboard, set up by its startup script.
const configYaml = pulumi.all([lake.bucketName, warehouse.datasetId]).apply(([bucket, dataset]) =>
  pulseConfigYaml({ bucket, project, dataset, schedule: settings.schedule, gpu: settings.gpu !== undefined, sourcesYaml: settings.sourcesYaml }),
);
const script = pulumi.all([configYaml, secrets.refs]).apply(([config, refs]) =>
  startupScript({
    project,
    repoUrl: settings.repoUrl,
    commit: pin.commit,
    pulseConfig: config,
    schedule: settings.schedule,
    gpu: settings.gpu?.type,
    secrets: refs,
    env: { GOOGLE_CLOUD_PROJECT: project, ...(settings.blueskyHandle ? { BLUESKY_HANDLE: settings.blueskyHandle } : {}) },
  }),
);
const vm = new PipelineVm(
  'pulse',
  {
    project,
    zone: settings.zone,
    machineType: settings.machineType,
    diskSizeGb: settings.diskSizeGb,
    gpu: settings.gpu,
    subnetworkId: network.subnetworkId,
    serviceAccountEmail: identity.email,
    tags: [SSH_TAG],
    startupScript: script,
    labels,
    commit: pin.commit,
  },
  // The first run needs its grants and secrets in place.
  { dependsOn: [apis, identity, secrets, network] },
);

// 7. Failed runs: a log-based metric and an alert policy on it.
const alerts = new RunAlerts('pulse-runs', { project, vmName: vm.name, unit: VM.runService }, afterApis);

// 8. What a user needs next.
export const bucket = lake.bucketName;
export const lakeUri = lake.lakeUri;
export const dataset = warehouse.datasetId;
export const warehouseUri = pulumi.interpolate`bigquery://${project}/${warehouse.datasetId}`;
export const vmName = vm.name;
export const vmZone = vm.zone;
export const serviceAccountEmail = identity.email;
/** Opens the dashboard at http://localhost:8080: SSH over IAP, forwarding to the VM's loopback. */
export const dashboardTunnel = pulumi.interpolate`gcloud compute ssh ${vm.name} --zone ${vm.zone} --project ${project} --tunnel-through-iap -- -N -L ${DASHBOARD_PORT}:127.0.0.1:${DASHBOARD_PORT}`;
/** The commit the VM installs (config `commit`, or HEAD of the checkout pulumi ran from). */
export const commit = pin.commit;
/** Logs Explorer queries: the runs' output, and the failed runs the alert policy counts. */
export const runLogsQuery = vm.name.apply((name) => runOutputFilter(project, name, VM.runService));
export const failedRunsQuery = alerts.filter;
/** The pulse.config.yaml the VM runs with. */
export const pulseConfig = configYaml;

// 8. Optional: the enrich step as a Cloud Batch job of shards (`enrichJob`), submitted by `pulse enrich --batch`.
const enrichJobSetting = parseEnrichJob(new pulumi.Config().getObject<unknown>('enrichJob'));
const enrichBatch = enrichJobSetting
  ? new EnrichBatchJob(
      'pulse-enrich',
      {
        project, job: enrichJobSetting, repoUrl: settings.repoUrl, commit: pin.commit, pulseConfig: configYaml,
        serviceAccountEmail: identity.email, serviceAccountId: pulumi.interpolate`projects/${project}/serviceAccounts/${identity.email}`,
        subnetworkId: network.subnetworkId, labels,
      },
      { dependsOn: [apis, identity, network] },
    )
  : undefined;
/** The Cloud Batch job body (JSON) when `enrichJob` is set. */
export const enrichJob = enrichBatch?.spec;
