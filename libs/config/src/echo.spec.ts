import { SOURCES } from '@social-pulse/sources/specs';
import { echo } from '@social-pulse/sources/testing';
import { describe, expect, it } from 'vitest';
import { credentialsOf, secretValues } from './credentials.ts';
import { resolveConfig, type Config, type ConfigError } from './load.ts';
import { refreshRequestsOf } from './schema.ts';

/**
 * Echo, the source that exists only in the tests (libs/sources/src/testing/echo, one folder),
 * in the lists of libs/config: given the list with Echo added, through each list's parameter,
 * the configuration and the credential table take it. (Its folder's echo.spec.ts shows the
 * registry, the engine, the lake writer's normalizer and the refresh do.)
 */
const specs = [...SOURCES, echo];

const configWith = (entry: Record<string, unknown>): Config =>
  resolveConfig({ sources: [{ type: 'echo', channels: ['general'], ...entry }] }, '<test>', { env: {}, sources: specs });

describe('a source that exists only in the tests (Echo) appears in the lists of the configuration', () => {
  it('is accepted by the configuration given the specs, with its own fields, defaults and messages', () => {
    const c = configWith({ baseUrl: 'http://127.0.0.1:9' });
    expect(c.sources[0]).toMatchObject({ type: 'echo', channels: ['general'], pageSize: 2, enabled: true, baseUrl: 'http://127.0.0.1:9' });
    // Without the specs, the production list: Echo is an unknown type, and the message lists the build's sources.
    expect(() => resolveConfig({ sources: [{ type: 'echo', channels: ['general'] }] }, '<test>', { env: {} })).toThrow(
      /sources\[0\]\.type: expected type to be one of mastodon, hackernews, bluesky, reddit, x, stackexchange$/m,
    );
    const problems = (doc: unknown) => {
      try {
        resolveConfig(doc, '<test>', { env: {}, sources: specs });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ sources: [{ type: 'nope' }] })).toEqual(['sources[0].type: expected type to be one of mastodon, hackernews, bluesky, reddit, x, stackexchange, echo']);
    expect(problems({ sources: [{ type: 'echo', channels: [], pageSize: 99 }] })).toEqual([
      'sources[0].channels: expected at least one entry',
      'sources[0].pageSize: Too big: expected number to be <=50',
    ]);
    // A URL that carries a credential is refused, naming where Echo's goes instead.
    expect(problems({ sources: [{ type: 'echo', channels: ['a'], baseUrl: 'http://u:p@127.0.0.1/' }] })[0]).toMatch(/credentials come only from the environment; set ECHO_TOKEN$/);
    // Its refresh budget is a key of refresh.maxRequests.
    expect(problems({ refresh: { maxRequests: { echo: 2 } } })).toEqual([]);
    expect(refreshRequestsOf(specs)).toMatchObject({ echo: 3, mastodon: 20 });
  });

  it('is in the credential table: its variables are required, masked, and named with its how-to', () => {
    const table = credentialsOf(specs);
    expect(table.echo).toBe(echo.credentials);
    expect(secretValues({ ECHO_TOKEN: 'echo-secret', ECHO_QUOTA_KEY: 'quota-secret', HOME: '/root' }, table).sort()).toEqual(['echo-secret', 'quota-secret']);
    expect(secretValues({ ECHO_QUOTA_KEY: 'quota-secret' }).sort()).toEqual(['quota-secret']); // *_KEY is masked anyway
  });
});
