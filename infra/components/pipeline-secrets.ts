import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { pulseComponent } from './component.ts';
import type { InProject, Labels } from './component.ts';

/** One credential to keep in Secret Manager. */
export interface SecretSpec {
  /** The environment variable the pipeline reads it from, e.g. X_BEARER_TOKEN. */
  env: string;
  /** The Secret Manager secret id. */
  secretId: string;
  /** The value (a secret output) when the stack sets it; without one, no version is created. */
  value?: pulumi.Input<string>;
}

export interface PipelineSecretsArgs extends InProject {
  /** The only principal granted access to each secret, e.g. `serviceAccount:EMAIL`. */
  accessor: pulumi.Input<string>;
  /** The credentials. */
  secrets: SecretSpec[];
  /** Labels for the secrets. */
  labels: Labels;
  /**
   * Locations for user-managed replication. Without them Google picks (automatic replication),
   * which an organisation policy `gcp.resourceLocations` that leaves out some regions refuses.
   */
  replicas?: readonly string[];
}

/**
 * A secret per credential, a version only for the credentials the stack sets (others can be
 * added later with `gcloud secrets versions add`), and secretAccessor for the pipeline's
 * account on each secret, not on the project.
 */
export const PipelineSecrets = pulseComponent('PipelineSecrets', (args: PipelineSecretsArgs, child) => {
  const replication = args.replicas?.length ? { userManaged: { replicas: args.replicas.map((location) => ({ location })) } } : { auto: {} };
  const refs = args.secrets.map((spec) => {
    const slug = spec.env.toLowerCase().replaceAll('_', '-');
    const secret = child(
      gcp.secretmanager.Secret,
      slug,
      { project: args.project, secretId: spec.secretId, replication, labels: args.labels },
      // The id is fixed (the VM reads it by name) and replication cannot change in place: a
      // new `secretReplicas` must delete the old secret before creating its successor.
      { deleteBeforeReplace: true },
    );
    if (spec.value !== undefined) {
      child(gcp.secretmanager.SecretVersion, `${slug}-version`, { secret: secret.id, secretData: pulumi.secret(spec.value) });
    }
    child(gcp.secretmanager.SecretIamMember, `${slug}-accessor`, {
      project: args.project,
      secretId: secret.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: args.accessor,
    });
    return secret.secretId.apply((secretId) => ({ env: spec.env, secretId }));
  });
  return {
    /** Environment variable and secret id of each credential (names only). */
    refs: pulumi.all(refs),
  };
});
