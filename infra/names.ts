/**
 * Names that Google fixes at creation (service account, secrets, dataset) carry the stack, so
 * two stacks can share one project. Everything else is auto-named by Pulumi (a random suffix),
 * which also lets a replacement be created before the old resource is deleted.
 */

function slug(stack: string): string {
  return stack.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'stack';
}

/** A service account id: 6–30 characters, `[a-z][a-z0-9-]*[a-z0-9]`. */
export function serviceAccountId(stack: string): string {
  return `pulse-${slug(stack)}`.slice(0, 30).replace(/-+$/, '');
}

/** A Secret Manager secret id for one credential of this stack. */
export function secretId(stack: string, credential: string): string {
  return `social-pulse-${slug(stack)}-${credential}`;
}

/** The dataset id used when config `datasetId` is empty: letters, digits, underscores. */
export function defaultDatasetId(stack: string): string {
  return `social_pulse_${slug(stack).replaceAll('-', '_')}`;
}

/** Labels on every resource that takes them (values: lowercase letters, digits, `-`, `_`). */
export function labels(stack: string): Record<string, string> {
  return { app: 'social-pulse', stack: slug(stack).slice(0, 63) };
}

/** The lake lives under this prefix of the bucket (its zones, LAKE in libs/schema, below it). */
export const LAKE_PREFIX = 'lake';

/** The lake URI that `pulse` is configured with: `gs://BUCKET/lake`. */
export function lakeUri(bucket: string): string {
  return `gs://${bucket}/${LAKE_PREFIX}`;
}
