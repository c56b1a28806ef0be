import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { pulseComponent } from './component.ts';
import type { InProject } from './component.ts';

/**
 * The Google APIs the stack uses. IAM for the service account; Cloud Resource Manager for the
 * project-level grants (the provider reads and writes the project's IAM policy through it);
 * OS Login for SSH to the VM; Logging and Monitoring for the Ops Agent, the log-based metric of
 * failed runs and its alert policy.
 */
export const REQUIRED_APIS = [
  'compute.googleapis.com',
  'bigquery.googleapis.com',
  'secretmanager.googleapis.com',
  'iap.googleapis.com',
  'storage.googleapis.com',
  'iam.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'oslogin.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
] as const;

export type ProjectApisArgs = InProject;

/** Enables the APIs; other components depend on this one so they wait until the APIs are on. */
export const ProjectApis = pulseComponent('ProjectApis', (args: ProjectApisArgs, child) => {
  const services = REQUIRED_APIS.map((api) =>
    child(gcp.projects.Service, `${api.split('.')[0]}`, {
      project: args.project,
      service: api,
      // Other workloads in the project may use these APIs: destroying this stack must not turn them off.
      disableOnDestroy: false,
      disableDependentServices: false,
    }),
  );
  return { services: pulumi.all(services.map((s) => s.service)) };
});
