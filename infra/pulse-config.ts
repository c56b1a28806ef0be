import { lakeUri } from './names.ts';
import { DEFAULT_SOURCES } from './sources.ts';
import { indent, toYaml } from './yaml.ts';
import type { YamlValue } from './yaml.ts';

/** Where the dashboard listens on the VM: loopback only, reached through an IAP SSH tunnel. */
export const DASHBOARD_PORT = 8080;

export interface PulseConfigInput {
  /** The lake bucket's name. */
  bucket: string;
  /** The GCP project of the BigQuery dataset. */
  project: string;
  /** The BigQuery dataset id. */
  dataset: string;
  /** The systemd OnCalendar expression of the run timer. */
  schedule: string;
  /** True when the VM has a GPU: the NLP enricher then runs on CUDA. */
  gpu: boolean;
  /** Config `sources` as checked by checkSources, or undefined for the defaults. */
  sourcesYaml: string | undefined;
}

// `pulse` takes its schedule as a duration (the dashboard marks data older than twice it as
// stale); the timer's shorthands translate, any other calendar expression keeps pulse's default.
const SCHEDULE_AS_DURATION: Record<string, string> = { minutely: '1m', hourly: '1h', daily: '1d', weekly: '1w' };

/** The `pulse` configuration file the VM runs with (pulse.config.yaml, see DESIGN.md). */
export function pulseConfigYaml(input: PulseConfigInput): string {
  const head: Record<string, YamlValue> = {
    lake: lakeUri(input.bucket),
    warehouse: `bigquery://${input.project}/${input.dataset}`,
  };
  const every = SCHEDULE_AS_DURATION[input.schedule];
  if (every !== undefined) head['schedule'] = every;
  head['dashboard'] = { host: '127.0.0.1', port: DASHBOARD_PORT };
  if (input.gpu) head['nlp'] = { device: 'cuda' };
  const sources = input.sourcesYaml !== undefined ? `${indent(input.sourcesYaml, 2)}\n` : indent(toYaml(DEFAULT_SOURCES), 2);
  return [
    '# Written by the social-pulse Pulumi program (infra/) at every boot of the VM.',
    '# Change the stack config (pulumi config set ...) and run `pulumi up` instead of editing this file.',
    toYaml(head).trimEnd(),
    'sources:',
    sources,
  ].join('\n');
}
