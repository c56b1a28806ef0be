import type { SourceRuntime, SpecOf } from '../specs/define.ts';
import type { x } from './index.ts';
import { normalizeX } from './normalize.ts';
import { xRefresher } from './refresher.ts';
import { XSource } from './source.ts';

/** What runs X (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry) => new XSource(entry),
  normalize: normalizeX,
  refresher: xRefresher,
} satisfies SourceRuntime<SpecOf<typeof x>, XSource>;
