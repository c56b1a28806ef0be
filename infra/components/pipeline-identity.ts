import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PipelineIdentityArgs {
  /** The GCP project of the service account. */
  project: pulumi.Input<string>;
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
export class PipelineIdentity extends pulumi.ComponentResource {
  public readonly email: pulumi.Output<string>;
  /** `serviceAccount:EMAIL`, for IAM bindings. */
  public readonly member: pulumi.Output<string>;

  constructor(name: string, args: PipelineIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('social-pulse:infra:PipelineIdentity', name, {}, opts);
    const account = new gcp.serviceaccount.Account(
      `${name}-sa`,
      {
        project: args.project,
        accountId: args.accountId,
        displayName: 'social-pulse pipeline',
        description: 'Runs `pulse run` and `pulse dashboard` on the social-pulse VM',
      },
      { parent: this },
    );
    this.email = account.email;
    this.member = pulumi.interpolate`serviceAccount:${account.email}`;

    new gcp.storage.BucketIAMMember(
      `${name}-lake-object-admin`,
      { bucket: args.bucketName, role: 'roles/storage.objectAdmin', member: this.member },
      { parent: this },
    );
    new gcp.bigquery.DatasetIamMember(
      `${name}-dataset-editor`,
      { project: args.project, datasetId: args.datasetId, role: 'roles/bigquery.dataEditor', member: this.member },
      { parent: this },
    );
    for (const role of PROJECT_ROLES) {
      new gcp.projects.IAMMember(
        `${name}-${role.slice('roles/'.length).replace(/\.|(?=[A-Z])/g, '-').toLowerCase()}`,
        { project: args.project, role, member: this.member },
        { parent: this },
      );
    }
    this.registerOutputs({ email: this.email, member: this.member });
  }
}
