import { describe, expect, it } from 'vitest';
import { pulseConfigYaml } from '../pulse-config.ts';
import { toYaml } from '../yaml.ts';

const BASE = { bucket: 'pulse-lake-bucket-1a2b3c4', project: 'my-project', dataset: 'social_pulse_dev', schedule: 'hourly', gpu: false, sourcesYaml: undefined };

describe('toYaml', () => {
  it('writes block mappings, flow lists of scalars and quoted strings', () => {
    expect(toYaml({ a: 'x: y', n: 3, ok: true, list: ['one', 'two'], nested: { deep: [{ k: 'v', more: ['#c'] }] }, empty: [] })).toBe(
      ['a: "x: y"', 'n: 3', 'ok: true', 'list: ["one", "two"]', 'nested:', '  deep:', '    - k: "v"', '      more: ["#c"]', 'empty: []', ''].join('\n'),
    );
  });
});

describe('pulseConfigYaml', () => {
  it('points pulse at the bucket and the dataset, with the default sources', () => {
    expect(pulseConfigYaml(BASE)).toBe(
      [
        '# Written by the social-pulse Pulumi program (infra/) at every boot of the VM.',
        '# Change the stack config (pulumi config set ...) and run `pulumi up` instead of editing this file.',
        'lake: "gs://pulse-lake-bucket-1a2b3c4/lake"',
        'warehouse: "bigquery://my-project/social_pulse_dev"',
        'schedule: "1h"',
        'dashboard:',
        '  host: "127.0.0.1"',
        '  port: 8080',
        'sources:',
        '  - type: "mastodon"',
        '    instances: ["https://mastodon.social", "https://fosstodon.org"]',
        '    tags: ["dataengineering"]',
        '  - type: "hackernews"',
        '    queries: ["data engineering"]',
        '',
      ].join('\n'),
    );
  });

  it('runs NLP on CUDA with a GPU', () => {
    expect(pulseConfigYaml({ ...BASE, gpu: true })).toContain('nlp:\n  device: "cuda"\n');
  });

  it('embeds configured sources under `sources:` and leaves pulse its default for calendar schedules', () => {
    const yaml = pulseConfigYaml({ ...BASE, schedule: '*:0/30', sourcesYaml: '- type: reddit\n  subreddits: [dataengineering]' });
    expect(yaml).not.toContain('schedule:');
    expect(yaml.endsWith('sources:\n  - type: reddit\n    subreddits: [dataengineering]\n')).toBe(true);
  });
});
