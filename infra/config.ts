import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_MACHINE_TYPE, GPUS, gpuMismatch } from './gpu.ts';
import type { GpuSetting, GpuType } from './gpu.ts';
import { defaultDatasetId, secretId } from './names.ts';
import { checkSources } from './sources.ts';

export const COLD_STORAGE_CLASSES = ['NEARLINE', 'COLDLINE'] as const;
export type ColdStorageClass = (typeof COLD_STORAGE_CLASSES)[number];

/**
 * Every key of the project's config namespace with its default. Pulumi.yaml declares the same
 * keys and defaults (test/pulumi-yaml.spec.ts keeps them equal); the program applies these
 * itself too, because unit tests and `pulumi` without the project file do not.
 */
export const CONFIG_DEFAULTS = {
  region: 'us-central1',
  zone: 'us-central1-a',
  location: 'us-central1',
  machineType: '',
  diskSizeGb: 100,
  gpu: 'none',
  gpuCount: 1,
  rawColdAfterDays: 30,
  rawColdStorageClass: 'NEARLINE',
  forceDestroy: false,
  deletionProtection: true,
  datasetId: '',
  repoUrl: '',
  commit: '',
  schedule: 'hourly',
  sources: '',
  blueskyHandle: '',
  softDeleteDays: 7,
  secretReplicas: '',
  xBearerToken: '',
  blueskyAppPassword: '',
  redditClientId: '',
  redditClientSecret: '',
  stackexchangeKey: '',
} as const;
export type ConfigKey = keyof typeof CONFIG_DEFAULTS;

/**
 * The keys of the project's config namespace whose value is an object, with their default.
 * Pulumi.yaml declares them with a description and this default but no `type` (a project's
 * config types are scalars and arrays only; an untyped key takes any value), so that
 * `pulumi config` shows them and a stack need not set them. The default `{}` means "none".
 */
export const OBJECT_CONFIG_DEFAULTS = {
  /** The enrich step as a Cloud Batch job of shards (components/enrich-batch-job.ts). */
  enrichJob: {},
} as const satisfies Record<string, Record<string, never>>;

/**
 * The credentials kept in Secret Manager: config key, environment variable, secret id suffix.
 * Every secret variable of a source's spec (libs/sources' SOURCES: `credentials` less
 * `plain`) has a row here, a key in CONFIG_DEFAULTS and in Pulumi.yaml (test/sources.spec.ts).
 */
export const CREDENTIALS = [
  { key: 'xBearerToken', env: 'X_BEARER_TOKEN', name: 'x-bearer-token' },
  { key: 'blueskyAppPassword', env: 'BLUESKY_APP_PASSWORD', name: 'bluesky-app-password' },
  { key: 'redditClientId', env: 'REDDIT_CLIENT_ID', name: 'reddit-client-id' },
  { key: 'redditClientSecret', env: 'REDDIT_CLIENT_SECRET', name: 'reddit-client-secret' },
  { key: 'stackexchangeKey', env: 'STACKEXCHANGE_KEY', name: 'stackexchange-key' },
] as const satisfies readonly { key: ConfigKey; env: string; name: string }[];

/** The validated, fully defaulted settings of one stack. */
export interface Settings {
  project: string;
  stack: string;
  region: string;
  zone: string;
  /** Location of the bucket and the dataset. */
  location: string;
  machineType: string;
  diskSizeGb: number;
  gpu: { type: GpuType; count: number } | undefined;
  rawColdAfterDays: number;
  rawColdStorageClass: ColdStorageClass;
  forceDestroy: boolean;
  deletionProtection: boolean;
  datasetId: string;
  repoUrl: string;
  /** Config `commit` (a full id), or undefined to pin the checkout's HEAD (see commit.ts). */
  commit: string | undefined;
  schedule: string;
  /** Config `sources` (checked), or undefined for the default sources. */
  sourcesYaml: string | undefined;
  blueskyHandle: string | undefined;
  /** Days the bucket keeps deleted objects recoverable; 0 turns soft delete off. */
  softDeleteDays: number;
  /** Secret Manager locations for user-managed replication, or undefined for automatic. */
  secretReplicas: string[] | undefined;
}

/** One credential: where it lives, and its value when the stack sets it. */
export interface Credential {
  env: string;
  secretId: string;
  value: pulumi.Output<string> | undefined;
}

/** Config values as Pulumi hands them over: strings, absent when unset. */
export type RawConfig = Readonly<Partial<Record<ConfigKey, string>>>;

function fail(key: string, value: string, expected: string): never {
  throw new pulumi.RunError(`Invalid config social-pulse:${key} = ${JSON.stringify(value)}: ${expected}`);
}

function text(raw: RawConfig, key: ConfigKey, pattern: RegExp, expected: string): string {
  const value = raw[key] ?? String(CONFIG_DEFAULTS[key]);
  return pattern.test(value) ? value : fail(key, value, expected);
}

function integer(raw: RawConfig, key: ConfigKey, min: number, max: number): number {
  const value = raw[key] ?? String(CONFIG_DEFAULTS[key]);
  const n = Number(value);
  return /^\d+$/.test(value.trim()) && n >= min && n <= max ? n : fail(key, value, `expected a whole number from ${min} to ${max}`);
}

function flag(raw: RawConfig, key: ConfigKey): boolean {
  const value = raw[key] ?? String(CONFIG_DEFAULTS[key]);
  if (value === 'true' || value === 'false') return value === 'true';
  return fail(key, value, 'expected true or false');
}

function oneOf<T extends string>(raw: RawConfig, key: ConfigKey, allowed: readonly T[], normalize = (v: string) => v): T {
  const value = raw[key] ?? String(CONFIG_DEFAULTS[key]);
  const found = allowed.find((a) => a === normalize(value));
  return found ?? fail(key, value, `expected one of ${allowed.join(', ')}`);
}

const REGION = /^[a-z]+-[a-z]+\d+$/;

// Cloud Storage takes a soft-delete retention of 0 (off) or 7 to 90 days.
function softDeleteDays(raw: RawConfig): number {
  const days = integer(raw, 'softDeleteDays', 0, 90);
  return days === 0 || days >= 7 ? days : fail('softDeleteDays', String(days), 'expected 0 (off) or 7 to 90 days');
}

function secretReplicas(raw: RawConfig): string[] | undefined {
  const value = raw.secretReplicas ?? CONFIG_DEFAULTS.secretReplicas;
  const locations = value.split(',').map((l) => l.trim()).filter((l) => l !== '');
  if (locations.some((l) => !REGION.test(l))) fail('secretReplicas', value, 'expected regions separated by commas, such as us-central1,us-east1, or empty for automatic replication');
  return locations.length > 0 ? locations : undefined;
}

/** Validates raw config into {@link Settings}; a bad value fails with a message that names it. */
export function parseSettings(raw: RawConfig, context: { project: string | undefined; stack: string }): Settings {
  const project = context.project ?? '';
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project)) {
    throw new pulumi.RunError(
      project === ''
        ? 'Missing config gcp:project: run `pulumi config set gcp:project YOUR_PROJECT_ID`'
        : `Invalid config gcp:project = ${JSON.stringify(project)}: expected a project ID such as my-project-123`,
    );
  }
  const region = text(raw, 'region', REGION, 'expected a Compute Engine region such as us-central1');
  const zone = text(raw, 'zone', /^[a-z]+-[a-z]+\d+-[a-z]$/, 'expected a zone such as us-central1-a');
  if (!zone.startsWith(`${region}-`)) fail('zone', zone, `expected a zone of region ${region}, such as ${region}-a`);
  const location = text(raw, 'location', /^(US|EU|us|eu|[a-z]+-[a-z]+\d+)$/, 'expected US, EU or a region such as us-central1');

  const gpu = oneOf<GpuSetting>(raw, 'gpu', GPUS);
  const gpuCount = integer(raw, 'gpuCount', 1, 8);
  const machineType =
    text(raw, 'machineType', /^([a-z][a-z0-9]*-[a-z0-9-]+)?$/, 'expected a machine type such as e2-standard-4, or empty') ||
    DEFAULT_MACHINE_TYPE[gpu];
  const mismatch = gpuMismatch(gpu, machineType, gpuCount);
  if (mismatch !== undefined) throw new pulumi.RunError(`Invalid config social-pulse:machineType/gpu: ${mismatch}`);

  const sourcesText = raw.sources ?? CONFIG_DEFAULTS.sources;
  const sources = sourcesText.trim() === '' ? undefined : checkSources(sourcesText);
  if (sources !== undefined && 'error' in sources) fail('sources', sourcesText, sources.error);

  const handle = text(raw, 'blueskyHandle', /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$/, 'expected a handle such as alice.bsky.social, or empty');

  return {
    project,
    stack: context.stack,
    region,
    zone,
    location,
    machineType,
    diskSizeGb: integer(raw, 'diskSizeGb', 20, 4096),
    gpu: gpu === 'none' ? undefined : { type: gpu, count: gpuCount },
    rawColdAfterDays: integer(raw, 'rawColdAfterDays', 1, 3650),
    rawColdStorageClass: oneOf(raw, 'rawColdStorageClass', COLD_STORAGE_CLASSES, (v) => v.toUpperCase()),
    forceDestroy: flag(raw, 'forceDestroy'),
    deletionProtection: flag(raw, 'deletionProtection'),
    datasetId: text(raw, 'datasetId', /^[A-Za-z0-9_]{0,1024}$/, 'expected letters, digits and underscores') || defaultDatasetId(context.stack),
    repoUrl: text(
      raw,
      'repoUrl',
      /^(https:\/\/|ssh:\/\/|git@)[^\s'"\\]+$/,
      'expected the Git URL of the social-pulse repository (https://…, ssh://… or git@…): run `pulumi config set repoUrl URL`',
    ),
    commit: text(raw, 'commit', /^([0-9a-f]{40})?$/, "expected a full 40-character commit id, or empty for the checkout's HEAD") || undefined,
    // OnCalendar expressions: `hourly`, `*:0/15`, `Mon..Fri *-*-* 06:00:00`, ...
    schedule: text(raw, 'schedule', /^[A-Za-z0-9*:,./~-]+( [A-Za-z0-9*:,./~-]+)*$/, 'expected a systemd OnCalendar expression such as hourly or *:0/30'),
    sourcesYaml: sources?.ok,
    blueskyHandle: handle === '' ? undefined : handle,
    softDeleteDays: softDeleteDays(raw),
    secretReplicas: secretReplicas(raw),
  };
}

/** Reads and validates the stack's config, and its credentials as secret outputs. */
export function loadConfig(): { settings: Settings; credentials: Credential[] } {
  const config = new pulumi.Config();
  const raw: Partial<Record<ConfigKey, string>> = {};
  for (const key of Object.keys(CONFIG_DEFAULTS) as ConfigKey[]) {
    // Credentials are read below, as secrets only.
    if (CREDENTIALS.some((c) => c.key === key)) continue;
    const value = config.get(key);
    if (value !== undefined) raw[key] = value;
  }
  const stack = pulumi.getStack();
  const settings = parseSettings(raw, { project: new pulumi.Config('gcp').get('project'), stack });
  const credentials = CREDENTIALS.map((c) => {
    // Whether it is set decides whether a secret version is created; the value stays secret.
    const set = (config.get(c.key) ?? '') !== '';
    return { env: c.env, secretId: secretId(stack, c.name), value: set ? config.requireSecret(c.key) : undefined };
  });
  return { settings, credentials };
}
