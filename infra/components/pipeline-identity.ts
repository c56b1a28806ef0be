import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { pulseComponent } from './component.ts';
import type { InProject } from './component.ts';

export interface PipelineIdentityArgs extends InProject {
  /** The service account id (6–30 characters). */
  accountId: pulumi.Input<string>;
  /** The lake bucket: the account may read, write and delete its objects. */
  bucketName: pulumi.Input<string>;
  /** The dataset: the account may create, read and change its tables. */
  datasetId: pulumi.Input<string>;
}

/** Project-level roles of the pipeline's account: there is no narrower resource to grant them on. */
export const PROJECT_ROLES = [
  // BigQuery jobs are project resources.
  'roles/bigquery.jobUser',
  // The Ops Agent on the VM writes the journal and host metrics as the VM's account.
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
] as const;

/**
 * The pipeline's service account with least privilege: object admin on the lake bucket only,
 * data editor on the dataset only, and {@link PROJECT_ROLES} on the project. The VM uses it
 * through the metadata server; no key is ever created.
 */
export const PipelineIdentity = pulseComponent('PipelineIdentity', (args: PipelineIdentityArgs, child) => {
  const account = child(gcp.serviceaccount.Account, 'sa', {
    project: args.project,
    accountId: args.accountId,
    displayName: 'social-pulse pipeline',
    description: 'Runs `pulse run` and `pulse dashboard` on the social-pulse VM',
  });
  const member = pulumi.interpolate`serviceAccount:${account.email}`;

  child(gcp.storage.BucketIAMMember, 'lake-object-admin', { bucket: args.bucketName, role: 'roles/storage.objectAdmin', member });
  child(gcp.bigquery.DatasetIamMember, 'dataset-editor', { project: args.project, datasetId: args.datasetId, role: 'roles/bigquery.dataEditor', member });
  for (const role of PROJECT_ROLES) {
    child(gcp.projects.IAMMember, role.slice('roles/'.length).replace(/\.|(?=[A-Z])/g, '-').toLowerCase(), { project: args.project, role, member });
  }
  return {
    email: account.email,
    /** `serviceAccount:EMAIL`, for IAM bindings. */
    member,
  };
});
