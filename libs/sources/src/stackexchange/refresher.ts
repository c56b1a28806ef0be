import { chunks } from '../batch.ts';
import type { Refresher } from '../refresh.ts';
import type { StackexchangeSource } from './source.ts';

/** Stack Exchange: `GET /2.3/questions/{ids}` (100 ids, `;`-separated), on the configured site. */
export function stackexchangeRefresher(src: StackexchangeSource): Refresher {
  const SIZE = 100;
  return {
    batchSize: SIZE,
    batches(targets) {
      const prefix = `${src.config.site}:`;
      const questions = targets.filter((t) => t.native_id.startsWith(prefix) && /^\d+$/.test(t.native_id.slice(prefix.length)));
      return chunks(questions, SIZE).map((group) => ({
        targets: group,
        call: (c) => src.call(c, { pagesize: group.length }, `/2.3/questions/${group.map((t) => t.native_id.slice(prefix.length)).join(';')}`),
      }));
    },
  };
}
