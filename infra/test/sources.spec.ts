import { namesOf } from '@social-pulse/schema';
import { SOURCE_NAMES, SOURCES } from '@social-pulse/sources/specs';
import { echo } from '@social-pulse/sources/testing';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, CREDENTIALS } from '../config.ts';
import { checkSources } from '../sources.ts';

/** CONTRIBUTING.md, "Adding a source": what the Pulumi program knows of the sources comes from their specs. */
describe("the Pulumi program's sources", () => {
  it('accepts the type of every source of the build, and of a source a test adds', () => {
    for (const name of SOURCE_NAMES) expect(checkSources(`- type: ${name}\n  queries: [a]`)).toEqual({ ok: `- type: ${name}\n  queries: [a]` });
    expect(checkSources('- type: echo\n  channels: [general]')).toEqual({
      error: `sources: unknown source type "echo"; expected one of ${SOURCES.map((s) => s.name).join(', ')}`,
    });
    expect(checkSources('- type: echo\n  channels: [general]', namesOf([...SOURCES, echo]))).toEqual({ ok: '- type: echo\n  channels: [general]' });
  });

  it('keeps every secret credential of every source in Secret Manager, and no other', () => {
    const secrets = SOURCES.flatMap((s) => [...s.credentials.vars, ...(s.credentials.optional ?? [])].filter((v) => !s.credentials.plain?.includes(v)));
    expect(CREDENTIALS.map((c) => c.env).sort()).toEqual([...secrets].sort());
    for (const c of CREDENTIALS) {
      expect(Object.keys(CONFIG_DEFAULTS)).toContain(c.key);
      // The config key and the secret's name follow the variable's name: X_BEARER_TOKEN → xBearerToken, x-bearer-token.
      expect(c.name).toBe(c.env.toLowerCase().replaceAll('_', '-'));
      expect(c.key).toBe(c.env.toLowerCase().replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase()));
    }
  });
});
