import type { SourceRuntime, SpecOf } from '../../specs/define.ts';
import type { echo } from './index.ts';
import { normalizeEcho } from './normalize.ts';
import { echoRefresher, echoRefreshPage } from './refresher.ts';
import { EchoSource } from './source.ts';

/** What runs Echo (its spec is index.ts): loaded by `runtime` there. */
export default {
  create: (entry, global) => new EchoSource(entry, global),
  normalize: normalizeEcho,
  refresher: echoRefresher,
  refreshPage: echoRefreshPage,
} satisfies SourceRuntime<SpecOf<typeof echo>, EchoSource>;
