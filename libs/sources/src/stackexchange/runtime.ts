import type { SourceRuntime, SpecOf } from '../specs/define.ts';
import type { stackexchange } from './index.ts';
import { normalizeStackexchange } from './normalize.ts';
import { stackexchangeRefresher } from './refresher.ts';
import { StackexchangeSource } from './source.ts';

/** What runs Stack Exchange (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry) => new StackexchangeSource(entry),
  normalize: normalizeStackexchange,
  refresher: stackexchangeRefresher,
} satisfies SourceRuntime<SpecOf<typeof stackexchange>, StackexchangeSource>;
