import { SOURCES, type SourceName } from '@social-pulse/sources/specs';
import { SAMPLE_ENTRIES } from '@social-pulse/sources/testing';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS } from './credentials.ts';
import { ConfigError, resolveConfig, type Config } from './load.ts';
import { DEFAULT_REFRESH_REQUESTS } from './schema.ts';

/**
 * The checklist of CONTRIBUTING.md, "Adding a source", for the lists of libs/config: every
 * source of `SOURCES` is a `type` of the configuration with its own fields, is named in the
 * unknown-type message, has its credentials in the credential table and its refresh budget
 * where it has one. (libs/sources' sources-checklist.spec.ts checks the registry and the
 * normalizers, and that a source has a refresh budget exactly when it has a batch lookup.)
 */

const names = SOURCES.map((s) => s.name);
const configOf = (entries: Record<string, unknown>[]): Config => resolveConfig({ sources: entries }, '<test>', { env: {} });
const problemsOf = (doc: unknown): string[] => {
  try {
    resolveConfig(doc, '<test>', { env: {} });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('every source appears in the lists of the configuration', () => {
  it('is a `type` of the configuration, and the error for an unknown type names it', () => {
    for (const name of names) {
      const config = configOf([{ type: name, ...SAMPLE_ENTRIES[name as SourceName] }]);
      expect(config.sources[0]!.type).toBe(name);
      // An entry with a field of another source is refused by this source's own schema, not as an unknown type.
      const problems = problemsOf({ sources: [{ type: name, ...SAMPLE_ENTRIES[name as SourceName], notAField: 1 }] });
      expect(problems).toEqual(['sources[0]: unknown key "notAField"']);
    }
    const unknown = problemsOf({ sources: [{ type: 'nope' }] });
    expect(unknown).toEqual([`sources[0].type: expected type to be one of ${names.join(', ')}`]);
  });

  it('has its credentials in the credential table, and its refresh budget where its spec gives one', () => {
    for (const s of SOURCES) {
      expect(CREDENTIALS[s.name]).toEqual(s.credentials);
      expect((DEFAULT_REFRESH_REQUESTS as Record<string, number>)[s.name]).toBe(s.refreshRequests);
    }
    expect(Object.keys(CREDENTIALS)).toEqual(names);
    expect(Object.keys(DEFAULT_REFRESH_REQUESTS)).toEqual(SOURCES.filter((s) => s.refreshRequests !== undefined).map((s) => s.name));
    // Every source has its budget under refresh.maxRequests; an unknown name is refused.
    const perSource = Object.fromEntries(names.map((n) => [n, 1]));
    expect(problemsOf({ refresh: { maxRequests: perSource } })).toEqual([]);
    expect(problemsOf({ refresh: { maxRequests: { nope: 1 } } })).toEqual(['refresh.maxRequests: unknown key "nope"']);
  });
});
