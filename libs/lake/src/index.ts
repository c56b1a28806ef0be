export type { LakeStore, LakeObject } from './store/store.ts';
export { AlreadyExistsError } from './store/store.ts';
export { LocalStore } from './store/local.ts';
export { openLake } from './open.ts';
export { RawZone, rawOrder, rawFilesAfter, gunzipText } from './raw.ts';
export { StateStore } from './state.ts';
export { mergePosts, postsFilesAfter } from './posts.ts';
export type { MergeResult } from './posts.ts';
