/** An object in the lake. */
export interface LakeObject {
  key: string;
  size: number;
  /**
   * Changes on every rewrite: the Cloud Storage generation, or on a local folder the file's
   * inode and modification time (each write renames a new file into place).
   */
  generation: string;
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
  /**
   * Create or replace an object atomically; resolves to its new generation. `ifAbsent`: fail
   * with AlreadyExistsError if it exists (create-once files). `ifGeneration`: replace only
   * the version of the object that was read, else PreconditionFailedError (state documents).
   */
  write(key: string, data: Buffer | string, opts?: WriteOptions): Promise<string>;
  /** Upload a local file as an object (large Parquet files); resolves to its generation. */
  upload(key: string, localPath: string, opts?: WriteOptions): Promise<string>;
  /** A local path holding the object's bytes (the object itself, or a cached download). */
  localPath(key: string): Promise<string>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The object's size and generation, or undefined when there is none. */
  stat(key: string): Promise<LakeObject | undefined>;
  /** Where the object lives, for other systems: an absolute path, or `gs://bucket/name`. */
  url(key: string): string;
}

export interface WriteOptions {
  ifAbsent?: boolean;
  ifGeneration?: string;
}

/** Thrown by `ifAbsent` writes when the object already exists. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(readonly key: string) {
    super(`lake object ${key} already exists`);
  }
}

/** Thrown by `ifGeneration` writes when the object changed (or vanished) since it was read. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly key: string,
    readonly expected: string,
  ) {
    super(`lake object ${key} changed since it was read (expected generation ${expected}): another writer is using this lake`);
  }
}
