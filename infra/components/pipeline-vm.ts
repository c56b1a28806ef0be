import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { pulseComponent } from './component.ts';
import type { InProject, Labels } from './component.ts';

/** Ubuntu 24.04 LTS, the newest image of the family at creation. */
export const VM_IMAGE = 'projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64';

export interface PipelineVmArgs extends InProject {
  /** The zone of the VM, in the subnetwork's region. */
  zone: pulumi.Input<string>;
  /** The machine type, e.g. e2-standard-4 (g2-* for L4, n1-* for T4). */
  machineType: pulumi.Input<string>;
  /** Boot disk size in GB. */
  diskSizeGb: pulumi.Input<number>;
  /** The GPU to attach, if any. */
  gpu?: pulumi.Input<{ type: string; count: number }>;
  /** The subnetwork of the VM's only interface. */
  subnetworkId: pulumi.Input<string>;
  /** The service account the VM runs as. */
  serviceAccountEmail: pulumi.Input<string>;
  /** Network tags (the IAP SSH rule targets one). */
  tags: pulumi.Input<pulumi.Input<string>[]>;
  /** The startup script (see startup-script.ts). */
  startupScript: pulumi.Input<string>;
  /** Labels for the VM and its boot disk. */
  labels: Labels;
  /** The commit the startup script installs; shown as metadata `social-pulse-commit`. */
  commit: pulumi.Input<string>;
}

/**
 * The VM that runs the pipeline on a timer and serves the dashboard on loopback. It has no
 * external IP (outbound goes through Cloud NAT), Shielded VM on, OS Login for SSH and no
 * project-wide SSH keys. A changed startup script replaces the VM; its state is in the
 * bucket and the dataset, so a new VM picks up where the old one stopped.
 */
export const PipelineVm = pulseComponent('PipelineVm', (args: PipelineVmArgs, child) => {
  const gpu = pulumi.output(args.gpu);
  const instance = child(gcp.compute.Instance, 'vm', {
    project: args.project,
    zone: args.zone,
    machineType: args.machineType,
    allowStoppingForUpdate: true,
    // The disk carries the labels too: billing reports it apart from the instance.
    bootDisk: { autoDelete: true, initializeParams: { image: VM_IMAGE, size: args.diskSizeGb, type: 'pd-balanced', labels: args.labels } },
    // No accessConfigs: the interface gets no external IP.
    networkInterfaces: [{ subnetwork: args.subnetworkId }],
    serviceAccount: { email: args.serviceAccountEmail, scopes: ['cloud-platform'] },
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    guestAccelerators: gpu.apply((g) => (g === undefined ? [] : [{ type: g.type, count: g.count }])),
    // A VM with a GPU cannot live-migrate during host maintenance: it stops and restarts.
    scheduling: gpu.apply((g) => ({ onHostMaintenance: g === undefined ? 'MIGRATE' : 'TERMINATE', automaticRestart: true })),
    // The pinned commit, readable at a glance in `pulumi preview` and on the VM
    // (curl -H Metadata-Flavor:Google http://metadata/computeMetadata/v1/instance/attributes/social-pulse-commit).
    metadata: { 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE', 'social-pulse-commit': args.commit },
    metadataStartupScript: args.startupScript,
    tags: args.tags,
    labels: args.labels,
  });
  return { name: instance.name, zone: instance.zone };
});
