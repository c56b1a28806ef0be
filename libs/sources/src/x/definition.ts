import { xSpec } from '@social-pulse/schema';
import { defineSource } from '../definition.ts';
import { normalizeX } from './normalize.ts';
import { xRefresher } from './refresher.ts';
import { XSource } from './source.ts';

/** X: its spec (libs/schema, src/sources/x.ts) and what runs it. */
export const x = defineSource(xSpec, {
  create: (entry) => new XSource(entry),
  normalize: normalizeX,
  normalizerVersion: 1,
  refresher: xRefresher,
});
