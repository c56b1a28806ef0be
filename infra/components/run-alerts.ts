import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { pulseComponent } from './component.ts';

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
 * A log-based alert policy that opens an incident for each failed run: a failed run stops the
 * data, and nobody looks at the journal of a VM with no external IP by chance. It matches the
 * log entries themselves (conditionMatchedLog) rather than a log-based metric, because an alert
 * policy on a metric created in the same `pulumi up` fails with 404 until the metric has
 * propagated (up to 10 minutes; hashicorp/terraform-provider-google#11102).
 */
export const RunAlerts = pulseComponent('RunAlerts', (args: RunAlertsArgs, child) => {
  /** The Logs Explorer query the policy matches. */
  const filter = pulumi.all([args.project, args.vmName]).apply(([project, vm]) => failedRunFilter(project, vm, args.unit));
  child(gcp.monitoring.AlertPolicy, 'failed-run', {
    project: args.project,
    displayName: pulumi.interpolate`social-pulse: a pipeline run failed on ${args.vmName}`,
    combiner: 'OR',
    conditions: [{ displayName: `${args.unit} failed`, conditionMatchedLog: { filter } }],
    // Log-match policies require a rate limit: at most one notification per hour, however
    // many runs fail (a schedule of */5 would otherwise send twelve), closed after a day.
    alertStrategy: { notificationRateLimit: { period: '3600s' }, autoClose: '86400s' },
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
  });
  return { filter };
});
