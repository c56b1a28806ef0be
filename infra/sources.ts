// The light entry only: the Pulumi program never loads a source's runtime (eslint.config.mjs forbids the main entry here).
import { SOURCE_NAMES } from '@social-pulse/sources/specs';
import type { YamlValue } from './yaml.ts';

/** The sources the VM runs when config `sources` is empty: the two that need no credential. */
export const DEFAULT_SOURCES: YamlValue = [
  { type: 'mastodon', instances: ['https://mastodon.social', 'https://fosstodon.org'], tags: ['dataengineering'] },
  { type: 'hackernews', queries: ['data engineering'] },
];

/**
 * Checks config `sources`, a YAML (or JSON) list of source entries written as in
 * pulse.config.yaml, and returns it trimmed, or a message naming what is wrong.
 *
 * The text is embedded as it is, not parsed (the VM's `pulse` validates the whole file against
 * the config schema), so this catches the mistakes that would otherwise surface only on the VM
 * at the first run: not a list, tabs, and a source type that does not exist (`names`: the
 * sources of libs/sources' SOURCES).
 */
export function checkSources(text: string, names: readonly string[] = SOURCE_NAMES): { ok: string } | { error: string } {
  const trimmed = text.replace(/^\s*\n/, '').trimEnd();
  if (trimmed.includes('\t')) return { error: 'sources: YAML does not allow tabs for indentation; use spaces' };
  const first = trimmed.split('\n').find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (first === undefined || !/^\s*(-|\[)/.test(first)) {
    return { error: `sources: expected a YAML list of sources ("- type: mastodon ..."), got ${JSON.stringify(trimmed.slice(0, 60))}` };
  }
  const types = [...trimmed.matchAll(/(?:^|[\s{,-])["']?type["']?\s*:\s*["']?([^\s"',}]+)/g)].map((m) => m[1] ?? '');
  if (types.length === 0) return { error: 'sources: no entry has a `type:` (one of ' + names.join(', ') + ')' };
  const unknown = types.find((t) => !names.includes(t));
  if (unknown !== undefined) {
    return { error: `sources: unknown source type "${unknown}"; expected one of ${names.join(', ')}` };
  }
  return { ok: trimmed };
}
