export type { LakeStore, LakeObject, WriteOptions } from './store/store.ts';
export { AlreadyExistsError, PreconditionFailedError } from './store/store.ts';
export { LocalStore } from './store/local.ts';
export { GcsStore, type GcsStoreOptions } from './store/gcs.ts';
export { openLake, gcsClient, type OpenLakeOptions } from './open.ts';
export { RawZone, rawOrder, rawFilesAfter, gunzipText } from './raw.ts';
export { StateStore } from './state.ts';
export { mergePosts, postsFilesAfter } from './posts.ts';
export type { MergeResult } from './posts.ts';
