/** An object in the lake. */
export interface LakeObject {
  key: string;
  size: number;
  /** Cloud Storage generation (changes on every rewrite); undefined on a local folder. */
  generation?: string;
}

/**
 * The lake's storage: a local folder or a Cloud Storage bucket behind one interface. Keys
 * are `/`-separated and relative to the lake root. Writes are all-or-nothing: a reader
 * never sees a half-written object.
 */
export interface LakeStore {
  /** `./data/lake` or `gs://bucket/prefix`, for messages. */
  readonly uri: string;
  /** Every object under a prefix (recursively), sorted by key; `startAfter` skips keys ≤ it. */
  list(prefix: string, opts?: { startAfter?: string }): Promise<LakeObject[]>;
  read(key: string): Promise<Buffer>;
  /** Create or replace an object atomically. `ifAbsent`: fail if it exists (create-once files). */
  write(key: string, data: Buffer | string, opts?: { ifAbsent?: boolean }): Promise<void>;
  /** Upload a local file as an object (large Parquet files). */
  upload(key: string, localPath: string, opts?: { ifAbsent?: boolean }): Promise<void>;
  /** A local path holding the object's bytes (the object itself, or a cached download). */
  localPath(key: string): Promise<string>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** Thrown by `ifAbsent` writes when the object already exists. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(readonly key: string) {
    super(`lake object ${key} already exists`);
  }
}
