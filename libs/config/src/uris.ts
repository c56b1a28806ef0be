import path from 'node:path';

export type LakeLocation =
  | { kind: 'local'; root: string }
  | { kind: 'gcs'; bucket: string; prefix: string };

export type WarehouseLocation =
  | { kind: 'duckdb'; path: string }
  | { kind: 'bigquery'; project: string; dataset: string; location?: string };

/**
 * A URI of the lake or the warehouse carries no credential (`user:pass@`): Google's
 * application default credentials are the only ones used. Checked first, so that no other
 * message repeats the URI with the secret in it.
 */
function refuseUserinfo(uri: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(uri)) {
    throw new Error(
      'must not carry a user name or password (user:pass@): credentials come only from the environment (Google\'s application default credentials: gcloud auth application-default login)',
    );
  }
}

/** `./data/lake`, `/abs/lake`, `file:///abs` or `gs://bucket/prefix`. Relative paths are taken from `baseDir`. */
export function parseLakeUri(uri: string, baseDir: string): LakeLocation {
  refuseUserinfo(uri);
  if (uri.startsWith('gs://')) {
    const rest = uri.slice('gs://'.length);
    const [bucket, ...prefix] = rest.split('/');
    if (!bucket || !/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(bucket)) {
      throw new Error(`"${uri}" is not a valid gs:// URI: expected gs://BUCKET/prefix`);
    }
    return { kind: 'gcs', bucket, prefix: prefix.filter(Boolean).join('/') };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
    throw new Error(`"${uri}": a lake is a local folder or gs://BUCKET/prefix`);
  }
  const p = uri.startsWith('file://') ? new URL(uri).pathname : uri;
  return { kind: 'local', root: path.resolve(baseDir, p) };
}

/** `duckdb:./data/warehouse.duckdb` or `bigquery://PROJECT/DATASET[?location=EU]`. */
export function parseWarehouseUri(uri: string, baseDir: string): WarehouseLocation {
  refuseUserinfo(uri);
  if (uri.startsWith('duckdb:')) {
    const p = uri.slice('duckdb:'.length);
    if (!p) throw new Error(`"${uri}": expected duckdb:PATH, e.g. duckdb:./data/warehouse.duckdb`);
    return { kind: 'duckdb', path: p === ':memory:' ? p : path.resolve(baseDir, p) };
  }
  if (uri.startsWith('bigquery://')) {
    const u = new URL(uri);
    const project = u.hostname;
    const dataset = u.pathname.replace(/^\/+|\/+$/g, '');
    if (!project || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project) || !/^[A-Za-z0-9_]{1,1024}$/.test(dataset)) {
      throw new Error(`"${uri}": expected bigquery://PROJECT/DATASET (dataset: letters, digits, underscores)`);
    }
    const location = u.searchParams.get('location') ?? undefined;
    return location ? { kind: 'bigquery', project, dataset, location } : { kind: 'bigquery', project, dataset };
  }
  throw new Error(`"${uri}": a warehouse is duckdb:PATH or bigquery://PROJECT/DATASET`);
}
