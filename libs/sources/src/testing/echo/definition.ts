import { echoSpec } from '@social-pulse/schema/testing';
import { defineSource } from '../../definition.ts';
import { normalizeEcho } from './normalize.ts';
import { echoRefresher, echoRefreshPage } from './refresher.ts';
import { EchoSource } from './source.ts';

/**
 * Echo, whole: the source that exists only in tests. Everything a seventh source needs is
 * in this folder plus its spec (libs/schema/src/testing/echo-spec.ts); sources-checklist.spec.ts
 * adds it to each derived list through the list's parameter.
 */
export const echo = defineSource(echoSpec, {
  create: (entry, global) => new EchoSource(entry, global),
  normalize: normalizeEcho,
  normalizerVersion: 1,
  refresher: echoRefresher,
  refreshPage: echoRefreshPage,
});
