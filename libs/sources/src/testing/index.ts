export { startServer, json } from './server.ts';
export type { Reply, FaultPlan, ReplayServer } from './server.ts';
export { startFakeMastodon } from './fake-mastodon.ts';
export type { StatusJson } from './fake-mastodon.ts';
export { startFakeAlgolia } from './fake-algolia.ts';
export type { HitJson } from './fake-algolia.ts';
export { mastodonStatus, awkwardStatuses, statusRun, algoliaHit, awkwardHits } from './fixtures.ts';
