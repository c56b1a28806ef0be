/**
 * A process that competes for a run lock, for lock.spec.ts: on each `try` message it tries to
 * take the lock and says whether it got it; a holder keeps the lock until told to `release`,
 * so that two holders at once are seen however the processes are scheduled.
 */
import { describeError } from '@social-pulse/runtime';
import { acquireRunLock, type RunLock } from '../lock.ts';

type Message = { type: 'try'; file: string } | { type: 'release' } | { type: 'exit' };

let held: RunLock | undefined;
process.on('message', (m: Message) => {
  void (async () => {
    if (m.type === 'try') {
      try {
        held = await acquireRunLock(m.file);
        process.send!({ type: 'outcome', held: true });
      } catch (e) {
        process.send!({ type: 'outcome', held: false, error: describeError(e) });
      }
    } else if (m.type === 'release') {
      await held?.release();
      held = undefined;
      process.send!({ type: 'released' });
    } else {
      process.disconnect();
    }
  })();
});
process.send!({ type: 'ready' });
