import { LAKE } from '@social-pulse/schema';
import type { LakeStore } from './store/store.ts';

/**
 * Small JSON documents under `_state/` (cursors, watermarks). Each write replaces the whole
 * document atomically, so a crash leaves either the old or the new state, never half.
 */
export class StateStore {
  constructor(private readonly store: LakeStore) {}

  private key(name: string): string {
    return `${LAKE.state}/${name}.json`;
  }

  async read<T>(name: string, fallback: T): Promise<T> {
    if (!(await this.store.exists(this.key(name)))) return fallback;
    const text = (await this.store.read(this.key(name))).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`lake state ${this.key(name)} is not valid JSON (${(e as Error).message}); fix or delete it`);
    }
  }

  async write(name: string, value: unknown): Promise<void> {
    await this.store.write(this.key(name), `${JSON.stringify(value, null, 2)}\n`);
  }
}
