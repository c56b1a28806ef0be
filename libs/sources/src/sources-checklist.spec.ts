import { describe, expect, it } from 'vitest';
import { SOURCE_DEFINITIONS } from './definitions.ts';
import { encodeRawPage } from './envelope.ts';
import { SOURCE_NAMES, SOURCES, type SourceName } from './list.ts';
import { refresherFor } from './refreshers.ts';
import { createSources, normalizeRawPage } from './registry.ts';
import { SAMPLE_ENTRIES, sourcesConfigOf } from './testing/sample-entries.ts';
import type { RawMeta } from './types.ts';

/**
 * The checklist of CONTRIBUTING.md, "Adding a source": every source of this build is in
 * every list derived from `SOURCES`. A source missing from one fails here (and a source
 * missing from SAMPLE_ENTRIES does not compile). The lists of libs/config (the config union,
 * its messages, the credential table, the refresh budgets) are checked by libs/config's
 * sources-checklist.spec.ts, since libs/config imports libs/sources and not the reverse.
 */

const names = SOURCE_DEFINITIONS.map((d) => d.name);
const everyVar = Object.fromEntries(SOURCE_DEFINITIONS.flatMap((d) => d.credentials.vars.map((v) => [v, 'set-for-test'])));
const configOf = (entries: Record<string, unknown>[]) => sourcesConfigOf(SOURCES, entries);
const meta = (source: string): RawMeta => ({
  source: source as SourceName,
  query: 'q',
  queryKey: 'q',
  url: 'http://127.0.0.1/',
  status: 200,
  fetched_at: '2026-11-24T00:00:00.000Z',
  run_id: 'r',
  headers: {},
});

describe('every source appears in every derived list', () => {
  it('has one definition per source of SOURCES, in the same order, under unique names (SOURCES, SOURCE_DEFINITIONS, SOURCE_NAMES)', () => {
    expect(names).toEqual(SOURCES.map((s) => s.name));
    expect([...SOURCE_NAMES]).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(SAMPLE_ENTRIES).sort()).toEqual([...names].sort());
    for (const d of SOURCE_DEFINITIONS) {
      const spec = SOURCES.find((s) => s.name === d.name)!;
      // The definition carries its spec unchanged.
      expect({ label: d.label, colour: d.colour, credentials: d.credentials, refreshRequests: d.refreshRequests, normalizerVersion: d.normalizerVersion }).toEqual({
        label: spec.label,
        colour: spec.colour,
        credentials: spec.credentials,
        refreshRequests: spec.refreshRequests,
        normalizerVersion: spec.normalizerVersion,
      });
      expect(d.colour).toMatch(/^#[0-9a-f]{6}$/);
      expect(d.label.trim()).not.toBe('');
    }
  });

  it('has its refresh budget exactly when it has a batch lookup', () => {
    for (const d of SOURCE_DEFINITIONS) expect(d.refreshRequests !== undefined).toBe(d.refresher !== undefined);
  });

  it('is created by the registry (skipped with its how-to when a credential is missing), with its batch lookup', () => {
    const config = configOf(names.map((name) => ({ type: name, ...SAMPLE_ENTRIES[name as SourceName] })));
    const ready = createSources(config, everyVar);
    expect(ready.map((s) => (s.kind === 'ready' ? s.source.name : s.reason))).toEqual(names);
    for (const s of ready) {
      if (s.kind !== 'ready') continue;
      const d = SOURCE_DEFINITIONS.find((x) => x.name === s.source.name)!;
      expect(s.source.config).toBe(config.sources[names.indexOf(d.name)]);
      expect(s.source.queries().length).toBeGreaterThan(0);
      expect(refresherFor(s.source) !== undefined).toBe(d.refresher !== undefined);
    }
    const none = createSources(config, {});
    for (const [i, d] of SOURCE_DEFINITIONS.entries()) {
      const s = none[i]!;
      if (d.credentials.vars.length === 0) expect(s.kind).toBe('ready');
      else expect(s).toEqual({ kind: 'skipped', name: d.name, reason: `${d.credentials.vars.join(', ')} not set: ${d.credentials.howTo}` });
    }
  });

  it("reaches its normalizer from the lake writer's entry point, for search and refresh pages", () => {
    for (const d of SOURCE_DEFINITIONS) {
      for (const body of ['not json', '{"unexpected": true}', '[]']) {
        const { page } = encodeRawPage(meta(d.name), body);
        const n = normalizeRawPage(page);
        expect(n).toEqual(d.normalize(page));
        expect(n.pageError ?? '').not.toMatch(/no normalizer/);
      }
      // A refresh page asked for one post that the answer does not hold: read by the source's normalizer, so not "no normalizer".
      const { page } = encodeRawPage({ ...meta(d.name), refresh: [`${d.name}:1`] }, 'not json');
      expect(normalizeRawPage(page).pageError ?? '').not.toMatch(/no normalizer/);
    }
    expect(normalizeRawPage(encodeRawPage(meta('nope'), '[]').page).pageError).toBe('no normalizer for source "nope"');
  });
});
