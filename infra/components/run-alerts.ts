import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/** systemd's MESSAGE_ID for "unit entered the failed state" (SD_MESSAGE_UNIT_FAILED, see systemd.catalog). */
export const SD_MESSAGE_UNIT_FAILED = 'd9b373ed55a64feb8242e02dbe79a49c';

function vmLogs(project: string, vmName: string): string[] {
  return ['resource.type="gce_instance"', `logName="projects/${project}/logs/journald"`, `labels."compute.googleapis.com/resource_name"="${vmName}"`];
}

/**
 * The Logs Explorer query for the failed runs of one VM: systemd's own journal line for the run
 * unit entering the failed state, as the Ops Agent forwards it (log `journald`).
 */
export function failedRunFilter(project: string, vmName: string, unit: string): string {
  return [...vmLogs(project, vmName), `jsonPayload.MESSAGE_ID="${SD_MESSAGE_UNIT_FAILED}"`, `jsonPayload.UNIT="${unit}"`].join('\n');
}

/** The Logs Explorer query for everything the runs of one VM printed. */
export function runOutputFilter(project: string, vmName: string, unit: string): string {
  return [...vmLogs(project, vmName), `jsonPayload._SYSTEMD_UNIT="${unit}"`].join('\n');
}

export interface RunAlertsArgs {
  project: pulumi.Input<string>;
  /** The VM whose runs are watched. */
  vmName: pulumi.Input<string>;
  /** The run service, e.g. social-pulse-run.service. */
  unit: string;
  /** Notification channels (ids) of the alert policy; none means it opens incidents in the console only. */
  notificationChannels?: pulumi.Input<string>[];
}

/**
 * A log-based counter of failed runs and an alert policy that fires on any: a failed run stops
 * the data, and nobody looks at a journal on a VM with no external IP by chance.
 */
export class RunAlerts extends pulumi.ComponentResource {
  /** The Logs Explorer query that the metric counts. */
  public readonly filter: pulumi.Output<string>;
  public readonly metricType: pulumi.Output<string>;

  constructor(name: string, args: RunAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('social-pulse:infra:RunAlerts', name, {}, opts);
    this.filter = pulumi.all([args.project, args.vmName]).apply(([project, vm]) => failedRunFilter(project, vm, args.unit));
    const metric = new gcp.logging.Metric(
      `${name}-failed-runs`,
      {
        project: args.project,
        // Log-based metric names are project-wide: the VM's name keeps two stacks apart.
        name: pulumi.interpolate`social-pulse/failed-runs/${args.vmName}`,
        description: 'social-pulse: pipeline runs that failed (social-pulse-run.service entered the failed state)',
        filter: this.filter,
        metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
      },
      { parent: this },
    );
    this.metricType = pulumi.interpolate`logging.googleapis.com/user/${metric.name}`;
    new gcp.monitoring.AlertPolicy(
      `${name}-failed-run`,
      {
        project: args.project,
        displayName: pulumi.interpolate`social-pulse: a pipeline run failed on ${args.vmName}`,
        combiner: 'OR',
        conditions: [
          {
            displayName: 'failed runs > 0',
            conditionThreshold: {
              filter: pulumi.interpolate`resource.type="gce_instance" AND metric.type="${this.metricType}"`,
              comparison: 'COMPARISON_GT',
              thresholdValue: 0,
              duration: '0s',
              aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_SUM' }],
            },
          },
        ],
        documentation: {
          mimeType: 'text/markdown',
          content: pulumi
            .all([args.project, args.vmName])
            .apply(
              ([project, vm]) =>
                `A social-pulse run failed. Its output, in Logs Explorer:\n\n\`\`\`\n${runOutputFilter(project, vm, args.unit)}\n\`\`\`\n\nor on the VM: \`journalctl -u ${args.unit}\`.`,
            ),
        },
        notificationChannels: args.notificationChannels ?? [],
      },
      { parent: this },
    );
    this.registerOutputs({ filter: this.filter, metricType: this.metricType });
  }
}
