import * as pulumi from '@pulumi/pulumi';
import { TABLES, bigQuerySchema } from '@social-pulse/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Program from '../index.ts';
import { shq } from '../shell.ts';
import { BASE_CONFIG, ofType, settled, single, useMocks, valueOf } from './mocks.ts';
import type { Declared } from './mocks.ts';

// The default stack: no GPU, two credentials set (the other three are not).
const X_TOKEN = 'xb-TOKEN-0123456789-never-in-a-script';
const REDDIT_ID = 'reddit-ID-abcdef-never-in-a-script';

let declared: Declared[];
let program: typeof Program;

beforeAll(async () => {
  declared = await useMocks(
    { 'social-pulse:xBearerToken': X_TOKEN, 'social-pulse:redditClientId': REDDIT_ID, 'social-pulse:blueskyHandle': 'alice.bsky.social' },
    ['social-pulse:xBearerToken', 'social-pulse:redditClientId'],
  );
  program = await import('../index.ts');
  await valueOf(program.pulseConfig);
  await settled();
});

const SA_EMAIL = 'pulse-test@test-project.iam.gserviceaccount.com';
const COMMIT = BASE_CONFIG['social-pulse:commit'] ?? '';
const SA_MEMBER = `serviceAccount:${SA_EMAIL}`;

function vm(): Record<string, unknown> {
  return single(declared, 'gcp:compute/instance:Instance').inputs;
}

describe('lake bucket', () => {
  it('is not public: public access prevention enforced, uniform bucket-level access', () => {
    const bucket = single(declared, 'gcp:storage/bucket:Bucket').inputs;
    expect(bucket['publicAccessPrevention']).toBe('enforced');
    expect(bucket['uniformBucketLevelAccess']).toBe(true);
    expect(bucket['location']).toBe('us-central1');
  });

  it('keeps no versions and is not force-destroyed unless configured', () => {
    const bucket = single(declared, 'gcp:storage/bucket:Bucket').inputs;
    expect(bucket['versioning']).toEqual({ enabled: false });
    expect(bucket['forceDestroy']).toBe(false);
  });

  it('moves raw pages to NEARLINE after 30 days', () => {
    const bucket = single(declared, 'gcp:storage/bucket:Bucket').inputs;
    expect(bucket['lifecycleRules']).toEqual([
      {
        action: { type: 'SetStorageClass', storageClass: 'NEARLINE' },
        condition: expect.objectContaining({ age: 30, matchesPrefixes: ['lake/raw/'], matchesStorageClasses: ['STANDARD'] }),
      },
    ]);
  });

  it('keeps deleted objects recoverable for 7 days (soft delete)', () => {
    const bucket = single(declared, 'gcp:storage/bucket:Bucket').inputs;
    expect(bucket['softDeletePolicy']).toEqual({ retentionDurationSeconds: 7 * 24 * 60 * 60 });
  });

  it('is granted to nobody public anywhere in the program', () => {
    const text = JSON.stringify(declared);
    expect(text).not.toContain('allUsers');
    expect(text).not.toContain('allAuthenticatedUsers');
  });
});

describe('network', () => {
  it('has no firewall rule that opens port 22 to 0.0.0.0/0', () => {
    const rules = ofType(declared, 'gcp:compute/firewall:Firewall');
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.inputs['sourceRanges']).not.toContain('0.0.0.0/0');
  });

  it("allows exactly tcp:22 from IAP's range, inbound, and nothing else", () => {
    const rule = single(declared, 'gcp:compute/firewall:Firewall').inputs;
    expect(rule['direction']).toBe('INGRESS');
    expect(rule['sourceRanges']).toEqual(['35.235.240.0/20']);
    expect(rule['allows']).toEqual([{ protocol: 'tcp', ports: ['22'] }]);
    expect(rule['targetTags']).toEqual(vm()['tags']);
  });

  it('gives the VM its own subnetwork with Private Google Access and Cloud NAT for egress', () => {
    expect(single(declared, 'gcp:compute/network:Network').inputs['autoCreateSubnetworks']).toBe(false);
    expect(single(declared, 'gcp:compute/subnetwork:Subnetwork').inputs['privateIpGoogleAccess']).toBe(true);
    expect(single(declared, 'gcp:compute/routerNat:RouterNat').inputs['natIpAllocateOption']).toBe('AUTO_ONLY');
  });
});

describe('pipeline service account', () => {
  it('holds exactly objectAdmin on the bucket, dataEditor on the dataset, jobUser, logWriter and metricWriter on the project', () => {
    const bucketName = single(declared, 'gcp:storage/bucket:Bucket').name;
    const grants = [
      ...ofType(declared, 'gcp:storage/bucketIAMMember:BucketIAMMember'),
      ...ofType(declared, 'gcp:bigquery/datasetIamMember:DatasetIamMember'),
      ...ofType(declared, 'gcp:projects/iAMMember:IAMMember'),
    ].map((g) => ({ type: g.type, role: g.inputs['role'], member: g.inputs['member'], on: g.inputs['bucket'] ?? g.inputs['datasetId'] ?? g.inputs['project'] }));
    expect(grants).toEqual([
      { type: 'gcp:storage/bucketIAMMember:BucketIAMMember', role: 'roles/storage.objectAdmin', member: SA_MEMBER, on: bucketName },
      { type: 'gcp:bigquery/datasetIamMember:DatasetIamMember', role: 'roles/bigquery.dataEditor', member: SA_MEMBER, on: 'social_pulse_test' },
      { type: 'gcp:projects/iAMMember:IAMMember', role: 'roles/bigquery.jobUser', member: SA_MEMBER, on: 'test-project' },
      { type: 'gcp:projects/iAMMember:IAMMember', role: 'roles/logging.logWriter', member: SA_MEMBER, on: 'test-project' },
      { type: 'gcp:projects/iAMMember:IAMMember', role: 'roles/monitoring.metricWriter', member: SA_MEMBER, on: 'test-project' },
    ]);
  });

  it('reads each secret through a per-secret grant, and nobody else does', () => {
    const grants = ofType(declared, 'gcp:secretmanager/secretIamMember:SecretIamMember').map((g) => g.inputs);
    expect(grants).toHaveLength(5);
    for (const g of grants) {
      expect(g['role']).toBe('roles/secretmanager.secretAccessor');
      expect(g['member']).toBe(SA_MEMBER);
    }
  });

  it('has no other IAM grant, and no key is ever created', () => {
    const iam = declared.filter((d) => /iam(member|binding|policy)/i.test(d.type));
    expect(iam).toHaveLength(5 + 5);
    expect(declared.filter((d) => /serviceaccount\/key|Key$/.test(d.type))).toEqual([]);
  });
});

describe('warehouse', () => {
  it('declares each table of libs/schema with its schema, DAY partitioning and clustering', () => {
    const tables = ofType(declared, 'gcp:bigquery/table:Table').map((t) => t.inputs);
    // In any order: Pulumi's mocks register resources as their inputs resolve.
    expect(tables.map((t) => t['tableId']).sort()).toEqual(TABLES.map((t) => t.name).sort());
    for (const table of TABLES) {
      const declaredTable = tables.find((t) => t['tableId'] === table.name) ?? {};
      expect(declaredTable['schema']).toBe(JSON.stringify(bigQuerySchema(table)));
      // A table without a time column (stories, story_keys) is not partitioned.
      expect(declaredTable['timePartitioning']).toEqual(table.partitionBy === undefined ? undefined : { type: 'DAY', field: table.partitionBy });
      expect(declaredTable['clusterings']).toEqual(table.clusterBy);
      expect(declaredTable['datasetId']).toBe('social_pulse_test');
      expect(declaredTable['deletionProtection']).toBe(true);
    }
  });

  it('puts the dataset beside the bucket', () => {
    const dataset = single(declared, 'gcp:bigquery/dataset:Dataset').inputs;
    expect(dataset['location']).toBe('us-central1');
    expect(dataset['deleteContentsOnDestroy']).toBe(false);
  });
});

describe('APIs and secrets', () => {
  it('enables the APIs without disabling them on destroy', () => {
    const services = ofType(declared, 'gcp:projects/service:Service').map((s) => s.inputs);
    expect(services.map((s) => s['service'])).toEqual(
      expect.arrayContaining(['compute.googleapis.com', 'bigquery.googleapis.com', 'secretmanager.googleapis.com', 'iap.googleapis.com', 'storage.googleapis.com']),
    );
    for (const s of services) expect(s['disableOnDestroy']).toBe(false);
  });

  it('enables Cloud Resource Manager, OS Login, Logging and Monitoring with the rest', () => {
    const services = ofType(declared, 'gcp:projects/service:Service').map((s) => s.inputs['service']);
    expect(services).toEqual(
      expect.arrayContaining(['cloudresourcemanager.googleapis.com', 'oslogin.googleapis.com', 'logging.googleapis.com', 'monitoring.googleapis.com', 'iam.googleapis.com']),
    );
  });

  it('replicates secrets automatically when no secretReplicas are configured', () => {
    for (const s of ofType(declared, 'gcp:secretmanager/secret:Secret')) expect(s.inputs['replication']).toEqual({ auto: {} });
  });

  it('creates a secret per credential and a version only for those set', () => {
    const ids = ofType(declared, 'gcp:secretmanager/secret:Secret').map((s) => s.inputs['secretId']);
    expect(ids).toEqual([
      'social-pulse-test-x-bearer-token',
      'social-pulse-test-bluesky-app-password',
      'social-pulse-test-reddit-client-id',
      'social-pulse-test-reddit-client-secret',
      'social-pulse-test-stackexchange-key',
    ]);
    const versions = ofType(declared, 'gcp:secretmanager/secretVersion:SecretVersion').map((v) => v.inputs);
    expect(versions.map((v) => v['secret'])).toEqual([
      'projects/test-project/secrets/social-pulse-test-x-bearer-token',
      'projects/test-project/secrets/social-pulse-test-reddit-client-id',
    ]);
    // The values reach the provider marked as secrets (encrypted in the state).
    const asSecret = (value: string) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value });
    expect(versions.map((v) => v['secretData'])).toEqual([asSecret(X_TOKEN), asSecret(REDDIT_ID)]);
  });

  it('keeps secret values out of every other resource and every output', async () => {
    const elsewhere = JSON.stringify(declared.filter((d) => d.type !== 'gcp:secretmanager/secretVersion:SecretVersion'));
    const outputs = JSON.stringify(await Promise.all([program.pulseConfig, program.dashboardTunnel].map(valueOf)));
    for (const value of [X_TOKEN, REDDIT_ID]) {
      expect(elsewhere).not.toContain(value);
      expect(outputs).not.toContain(value);
    }
  });
});

describe('VM', () => {
  it('has no external IP: no access config on its only interface', () => {
    const nics = vm()['networkInterfaces'] as Record<string, unknown>[];
    expect(nics).toHaveLength(1);
    expect(nics[0]?.['accessConfigs'] ?? []).toEqual([]);
    expect(nics[0]?.['subnetwork']).toBe('projects/test-project/pulse-net-subnet');
  });

  it('is a Shielded VM with OS Login and no project-wide SSH keys', () => {
    expect(vm()['shieldedInstanceConfig']).toEqual({ enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true });
    expect(vm()['metadata']).toEqual({ 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE', 'social-pulse-commit': COMMIT });
  });

  it('runs Ubuntu 24.04 on a 100 GB pd-balanced disk, e2-standard-4, as the pipeline account', () => {
    expect(vm()['machineType']).toBe('e2-standard-4');
    expect(vm()['zone']).toBe('us-central1-a');
    expect(vm()['bootDisk']).toMatchObject({
      initializeParams: { image: 'projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64', size: 100, type: 'pd-balanced' },
    });
    expect(vm()['serviceAccount']).toEqual({ email: SA_EMAIL, scopes: ['cloud-platform'] });
  });

  it('labels its boot disk like everything else', () => {
    expect(vm()['labels']).toEqual({ app: 'social-pulse', stack: 'test' });
    expect(vm()['bootDisk']).toMatchObject({ initializeParams: { labels: { app: 'social-pulse', stack: 'test' } } });
  });

  it('shows the pinned commit in its metadata and installs that commit, so a new pin is a diff in pulumi preview', () => {
    expect(program.commit).toBe(COMMIT);
    const script = String(vm()['metadataStartupScript']);
    expect(script).toContain(`Installs commit ${COMMIT}`);
    expect(script).toContain(shq(`COMMIT=${shq(COMMIT)}`).slice(1, -1));
    expect(script).toContain('https://deb.nodesource.com/node_24.x');
    expect(script).toContain('ExecStart=/opt/social-pulse/current/node_modules/.bin/pulse run');
  });

  it('sends the journal to Cloud Logging through the Ops Agent', () => {
    const script = String(vm()['metadataStartupScript']);
    expect(script).toContain('add-google-cloud-ops-agent-repo.sh --also-install');
    expect(script).toContain('type: systemd_journald');
  });

  it('has no GPU and live-migrates', () => {
    expect(vm()['guestAccelerators'] ?? []).toEqual([]);
    expect(vm()['scheduling']).toEqual({ onHostMaintenance: 'MIGRATE', automaticRestart: true });
  });

  it('installs the hourly timer and reads only secret names at run time', () => {
    const script = String(vm()['metadataStartupScript']);
    expect(script).toContain('social-pulse-run.timer');
    expect(script).toContain('OnCalendar=hourly');
    expect(script).toContain('Persistent=true');
    // The load-secrets script is embedded as one single-quoted word.
    expect(script).toContain(shq("fetch 'X_BEARER_TOKEN' 'social-pulse-test-x-bearer-token'").slice(1, -1));
    expect(script).toContain('BLUESKY_HANDLE="alice.bsky.social"');
    expect(script).not.toContain('cuda');
  });
});

describe('failed runs', () => {
  const FILTER = [
    'resource.type="gce_instance"',
    'logName="projects/test-project/logs/journald"',
    'labels."compute.googleapis.com/resource_name"="pulse-vm"',
    'jsonPayload.MESSAGE_ID="d9b373ed55a64feb8242e02dbe79a49c"',
    'jsonPayload.UNIT="social-pulse-run.service"',
  ].join('\n');

  it('open an incident through a log-based alert policy on systemd\'s "unit failed" line for the run service', async () => {
    const policy = single(declared, 'gcp:monitoring/alertPolicy:AlertPolicy').inputs;
    expect(policy['conditions']).toEqual([{ displayName: 'social-pulse-run.service failed', conditionMatchedLog: { filter: FILTER } }]);
    expect(policy['alertStrategy']).toEqual({ notificationRateLimit: { period: '3600s' }, autoClose: '86400s' });
    expect(String((policy['documentation'] as Record<string, unknown>)['content'])).toContain('jsonPayload._SYSTEMD_UNIT="social-pulse-run.service"');
    expect(await valueOf(program.failedRunsQuery)).toBe(FILTER);
  });

  it('need no log-based metric, which an alert policy created with it cannot find for minutes', () => {
    expect(ofType(declared, 'gcp:logging/metric:Metric')).toEqual([]);
  });

  it('have their output one query away', async () => {
    expect(await valueOf(program.runLogsQuery)).toBe([...FILTER.split('\n').slice(0, 3), 'jsonPayload._SYSTEMD_UNIT="social-pulse-run.service"'].join('\n'));
  });
});

describe('outputs', () => {
  it('name the bucket, the dataset, the VM, the account and the tunnel', async () => {
    const bucketName = single(declared, 'gcp:storage/bucket:Bucket').name;
    expect(await valueOf(program.bucket)).toBe(bucketName);
    expect(await valueOf(program.lakeUri)).toBe(`gs://${bucketName}/lake`);
    expect(await valueOf(program.dataset)).toBe('social_pulse_test');
    expect(await valueOf(program.warehouseUri)).toBe('bigquery://test-project/social_pulse_test');
    expect(await valueOf(program.vmName)).toBe('pulse-vm');
    expect(await valueOf(program.vmZone)).toBe('us-central1-a');
    expect(await valueOf(program.serviceAccountEmail)).toBe(SA_EMAIL);
    expect(await valueOf(program.dashboardTunnel)).toBe(
      'gcloud compute ssh pulse-vm --zone us-central1-a --project test-project --tunnel-through-iap -- -N -L 8080:127.0.0.1:8080',
    );
  });

  it('give the pulse configuration the VM runs with', async () => {
    const bucketName = single(declared, 'gcp:storage/bucket:Bucket').name;
    const yaml = await valueOf(program.pulseConfig);
    expect(yaml).toContain(`lake: "gs://${bucketName}/lake"`);
    expect(yaml).toContain('warehouse: "bigquery://test-project/social_pulse_test"');
    expect(yaml).toContain('  - type: "mastodon"');
    expect(yaml).toContain('  - type: "hackernews"');
    expect(yaml).not.toContain('nlp:');
    expect(String(vm()['metadataStartupScript'])).toContain(yaml.split('\n')[2] ?? 'missing');
  });
});

it('uses the base config of the test stack', () => {
  expect(BASE_CONFIG['gcp:project']).toBe('test-project');
});
