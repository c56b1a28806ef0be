import { PulseError } from '@social-pulse/runtime';
import { issueText, LAKE } from '@social-pulse/schema';
import type { LakeStore } from './store/store.ts';

/** What a state document's schema must do: a zod schema fits (`z.object({…})`). */
export interface StateSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** How to check a state document when it is read. */
export interface StateReadOptions<T> {
  schema: StateSchema<T>;
  /** What the user can do about a document that fails the check, e.g. "delete it: …". */
  recover: string;
}

/**
 * A state document that cannot be used as it is: names the file, says what is wrong and how
 * to recover. Exit code 2: a new attempt reads the same file, so the step is not retried.
 */
export class StateError extends PulseError {
  override readonly name = 'StateError';
  constructor(
    readonly file: string,
    problem: string,
    recover: string,
  ) {
    super(`lake state ${file}: ${problem}. To recover: ${recover}`, 2);
  }
}

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

  /** The document's location, for messages: an absolute path or a `gs://` URL. */
  url(name: string): string {
    return this.store.url(this.key(name));
  }

  /**
   * The document, or `fallback` when there is none. With `check`, a document of the wrong
   * shape (`null`, a number where a string belongs) fails with a {@link StateError} instead of
   * reaching code that would silently misread it.
   */
  async read<T>(name: string, fallback: T, check?: StateReadOptions<T>): Promise<T> {
    const key = this.key(name);
    const st = await this.store.stat(key);
    if (!st) {
      this.seen.set(name, null);
      return fallback;
    }
    const text = (await this.store.read(key)).toString('utf8');
    // Read after stat: if it was rewritten in between, the stale generation makes the next write fail, never lose data.
    this.seen.set(name, st.generation);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`lake state ${key} is not valid JSON (${(e as Error).message}); fix or delete it`);
    }
    if (!check) return value as T;
    const parsed = check.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.slice(0, 3).map((i) => issueText(i, { root: 'the document', dotted: true, plain: true }));
    throw new StateError(this.url(name), issues.join('; '), check.recover);
  }

  /** Replace the document; conditional on the version read, unconditional when it was never read. */
  async write(name: string, value: unknown): Promise<void> {
    const seen = this.seen.get(name);
    const opts = seen === undefined ? {} : seen === null ? { ifAbsent: true } : { ifGeneration: seen };
    const generation = await this.store.write(this.key(name), `${JSON.stringify(value, null, 2)}\n`, opts);
    this.seen.set(name, generation);
  }
}
