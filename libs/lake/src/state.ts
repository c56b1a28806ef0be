import { LAKE } from '@social-pulse/schema';
import type { LakeStore } from './store/store.ts';

/**
 * Small JSON documents under `_state/` (cursors, watermarks). Each write replaces the whole
 * document atomically, so a crash leaves either the old or the new state, never half.
 *
 * Writes are conditional on the version this instance last read or wrote (the object's
 * generation; "absent" when there was none), so two runs sharing a lake, such as two
 * machines on one bucket where no local lock can see the other, cannot silently overwrite
 * each other's cursors: the second writer fails with PreconditionFailedError.
 */
export class StateStore {
  /** Per document: the generation last seen, or null when it did not exist. */
  private readonly seen = new Map<string, string | null>();

  constructor(private readonly store: LakeStore) {}

  private key(name: string): string {
    return `${LAKE.state}/${name}.json`;
  }

  async read<T>(name: string, fallback: T): Promise<T> {
    const key = this.key(name);
    const st = await this.store.stat(key);
    if (!st) {
      this.seen.set(name, null);
      return fallback;
    }
    const text = (await this.store.read(key)).toString('utf8');
    // Read after stat: if it was rewritten in between, the stale generation makes the next write fail, never lose data.
    this.seen.set(name, st.generation);
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`lake state ${key} is not valid JSON (${(e as Error).message}); fix or delete it`);
    }
  }

  /** Replace the document; conditional on the version read, unconditional when it was never read. */
  async write(name: string, value: unknown): Promise<void> {
    const seen = this.seen.get(name);
    const opts = seen === undefined ? {} : seen === null ? { ifAbsent: true } : { ifGeneration: seen };
    const generation = await this.store.write(this.key(name), `${JSON.stringify(value, null, 2)}\n`, opts);
    this.seen.set(name, generation);
  }
}
