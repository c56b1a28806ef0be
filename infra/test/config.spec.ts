import { describe, expect, it } from 'vitest';
import { parseSettings } from '../config.ts';
import type { RawConfig } from '../config.ts';

const REPO = { repoUrl: 'https://github.com/example/social-pulse.git' };
const parse = (raw: RawConfig, project: string | undefined = 'my-project') => parseSettings({ ...REPO, ...raw }, { project, stack: 'dev' });
const parseWithoutProject = () => parseSettings(REPO, { project: undefined, stack: 'dev' });

describe('parseSettings', () => {
  it('fills every default', () => {
    expect(parse({})).toEqual({
      project: 'my-project',
      stack: 'dev',
      region: 'us-central1',
      zone: 'us-central1-a',
      location: 'us-central1',
      machineType: 'e2-standard-4',
      diskSizeGb: 100,
      gpu: undefined,
      rawColdAfterDays: 30,
      rawColdStorageClass: 'NEARLINE',
      forceDestroy: false,
      deletionProtection: true,
      datasetId: 'social_pulse_dev',
      repoUrl: REPO.repoUrl,
      commit: undefined,
      schedule: 'hourly',
      sourcesYaml: undefined,
      blueskyHandle: undefined,
      softDeleteDays: 7,
      secretReplicas: undefined,
    });
  });

  it('picks the GPU machine type and count', () => {
    expect(parse({ gpu: 'nvidia-l4' })).toMatchObject({ machineType: 'g2-standard-4', gpu: { type: 'nvidia-l4', count: 1 } });
    expect(parse({ gpu: 'nvidia-tesla-t4', gpuCount: '4' })).toMatchObject({ machineType: 'n1-standard-4', gpu: { type: 'nvidia-tesla-t4', count: 4 } });
    expect(parse({ gpu: 'nvidia-l4', machineType: 'g2-standard-24', gpuCount: '2' }).gpu).toEqual({ type: 'nvidia-l4', count: 2 });
  });

  it('takes a pinned commit, soft delete off, and secret replicas', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    expect(parse({ commit, softDeleteDays: '0', secretReplicas: 'europe-west4, europe-west1' })).toMatchObject({
      commit,
      softDeleteDays: 0,
      secretReplicas: ['europe-west4', 'europe-west1'],
    });
  });

  it('accepts COLDLINE in any case and a custom schedule', () => {
    expect(parse({ rawColdStorageClass: 'coldline', schedule: '*:0/30' })).toMatchObject({ rawColdStorageClass: 'COLDLINE', schedule: '*:0/30' });
  });

  it.each([
    [{ gpu: 'nvidia-a100' }, /social-pulse:gpu = "nvidia-a100".*none, nvidia-l4, nvidia-tesla-t4/],
    [{ gpu: 'nvidia-l4', machineType: 'e2-standard-4' }, /machineType "e2-standard-4" cannot carry an nvidia-l4 GPU/],
    [{ gpu: 'nvidia-tesla-t4', machineType: 'g2-standard-4' }, /machineType "g2-standard-4" cannot carry an nvidia-tesla-t4 GPU/],
    [{ gpu: 'nvidia-l4', gpuCount: '2' }, /gpuCount 2 does not match machineType "g2-standard-4"/],
    [{ gpu: 'nvidia-tesla-t4', gpuCount: '3' }, /gpuCount 3 is not a valid number of nvidia-tesla-t4/],
    [{ machineType: 'g2-standard-4' }, /machineType "g2-standard-4" is a GPU machine type but gpu is "none"/],
    [{ zone: 'europe-west4-a' }, /social-pulse:zone = "europe-west4-a": expected a zone of region us-central1/],
    [{ rawColdStorageClass: 'ARCHIVE' }, /rawColdStorageClass = "ARCHIVE": expected one of NEARLINE, COLDLINE/],
    [{ rawColdAfterDays: '-3' }, /rawColdAfterDays = "-3": expected a whole number/],
    [{ diskSizeGb: '10' }, /diskSizeGb = "10": expected a whole number from 20/],
    [{ forceDestroy: 'yes' }, /forceDestroy = "yes": expected true or false/],
    [{ repoUrl: '' }, /repoUrl = "": expected the Git URL/],
    [{ repoUrl: 'https://x/y.git; rm -rf /' }, /repoUrl = "https:\/\/x\/y.git; rm -rf \/"/],
    [{ commit: '--upload-pack=evil' }, /commit = "--upload-pack=evil": expected a full 40-character commit id/],
    [{ commit: 'main' }, /commit = "main": expected a full 40-character commit id/],
    [{ commit: '0123456' }, /commit = "0123456": expected a full 40-character commit id/],
    [{ softDeleteDays: '3' }, /softDeleteDays = "3": expected 0 \(off\) or 7 to 90 days/],
    [{ softDeleteDays: '91' }, /softDeleteDays = "91": expected a whole number from 0 to 90/],
    [{ secretReplicas: 'us-central1, EU' }, /secretReplicas = "us-central1, EU": expected regions separated by commas/],
    [{ schedule: 'hourly\nExecStart=/bin/sh' }, /schedule = "hourly\\nExecStart=\/bin\/sh"/],
    [{ datasetId: 'my-dataset' }, /datasetId = "my-dataset"/],
    [{ blueskyHandle: 'alice bob' }, /blueskyHandle = "alice bob"/],
    [{ sources: 'type: mastodon' }, /sources: expected a YAML list of sources/],
    [{ sources: '- type: mastadon\n  instances: [https://a.b]' }, /unknown source type "mastadon"/],
    [{ sources: '-\ttype: x' }, /tabs/],
  ] as [RawConfig, RegExp][])('rejects %j naming the value', (raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });

  it('asks for gcp:project when it is missing', () => {
    expect(parseWithoutProject).toThrow('Missing config gcp:project: run `pulumi config set gcp:project YOUR_PROJECT_ID`');
    expect(() => parse({}, 'Bad_Project')).toThrow('Invalid config gcp:project = "Bad_Project"');
  });

  it('keeps configured sources as written', () => {
    const sources = '- type: reddit\n  subreddits: [dataengineering]\n- type: x\n  queries: ["#dataengineering -is:retweet"]\n';
    expect(parse({ sources }).sourcesYaml).toBe(sources.trimEnd());
    expect(parse({ sources: '[{"type": "stackexchange", "tags": ["data-engineering"]}]' }).sourcesYaml).toBe(
      '[{"type": "stackexchange", "tags": ["data-engineering"]}]',
    );
  });
});
