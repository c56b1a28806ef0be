import { stackexchangeSpec } from '@social-pulse/schema';
import { defineSource } from '../definition.ts';
import { normalizeStackexchange } from './normalize.ts';
import { stackexchangeRefresher } from './refresher.ts';
import { StackexchangeSource } from './source.ts';

/** Stackexchange: its spec (libs/schema, src/sources/stackexchange.ts) and what runs it. */
export const stackexchange = defineSource(stackexchangeSpec, {
  create: (entry) => new StackexchangeSource(entry),
  normalize: normalizeStackexchange,
  normalizerVersion: 1,
  refresher: stackexchangeRefresher,
});
