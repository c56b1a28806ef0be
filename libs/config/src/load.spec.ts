import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from './load.ts';
import { missingCredentials, secretValues } from './credentials.ts';
import { resolveSince } from './duration.ts';

const problemsOf = (doc: unknown, env: NodeJS.ProcessEnv = {}) => {
  try {
    resolveConfig(doc, 'pulse.config.yaml', { env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('config', () => {
  it('accepts the example of DESIGN.md and fills defaults', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-config-'));
    const file = path.join(dir, 'pulse.config.yaml');
    await writeFile(
      file,
      `lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
sources:
  - type: mastodon
    instances: [https://mastodon.social, https://fosstodon.org]
    tags: ["#DataEngineering"]
  - type: hackernews
    queries: ["data engineering"]
    limit: 200
  - type: bluesky
    tags: [dataengineering]
  - type: reddit
    subreddits: [r/dataengineering]
  - type: x
    queries: ["#dataengineering -is:retweet"]
  - type: stackexchange
    tags: [data-engineering]
`,
    );
    const c = await loadConfig(file, { env: {} });
    expect(c.lakeLocation).toEqual({ kind: 'local', root: path.join(dir, 'data/lake') });
    expect(c.warehouseLocation).toEqual({ kind: 'duckdb', path: path.join(dir, 'data/warehouse.duckdb') });
    expect(c.sources.map((s) => s.type)).toEqual(['mastodon', 'hackernews', 'bluesky', 'reddit', 'x', 'stackexchange']);
    expect(c.sources[0]).toMatchObject({ tags: ['dataengineering'] });
    expect(c.sources[3]).toMatchObject({ subreddits: ['dataengineering'] });
    expect(c.sources[1]).toMatchObject({ limit: 200, tags: ['story'] });
    expect(c.http.retries).toBe(5);
    expect(c.dashboard).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(c.memoryLimit).toBe('2GB');
  });

  it('names the path of a bad key, and of an unknown one', () => {
    expect(problemsOf({ sources: [{ type: 'hackernews', queries: ['x'] }, { type: 'mastodon', instances: ['https://a.b'], tags: 'x' }] })).toEqual([
      'sources[1].tags: expected a list of strings',
    ]);
    expect(problemsOf({ sources: [{ type: 'hackernews', queries: ['x'], token: 'abc' }] })).toEqual([
      'sources[0]: unknown key "token"',
    ]);
    expect(problemsOf({ sources: [{ type: 'myspace' }] })[0]).toMatch(/^sources\[0\]\.type: expected type to be one of mastodon/);
    expect(problemsOf({ warehouse: 'postgres://x' })).toEqual([
      'warehouse: "postgres://x": a warehouse is duckdb:PATH or bigquery://PROJECT/DATASET',
    ]);
    expect(problemsOf({ sources: [{ type: 'hackernews', queries: ['x'], since: 'last tuesday' }] })[0]).toMatch(
      /^sources\[0\]\.since: expected an ISO date/,
    );
    expect(problemsOf({ memoryLimit: 'lots' })).toEqual(['memoryLimit: expected a size such as 2GB or 512MB']);
    expect(problemsOf({ memoryLimit: '512MB' })).toEqual([]);
  });

  it('caps pages per query per run by default, at the top level and per source', () => {
    const c = resolveConfig({ sources: [{ type: 'hackernews', queries: ['x'], maxPages: 5 }, { type: 'x', queries: ['y'] }] }, '<defaults>', { env: {} });
    expect(c.maxPages).toBe(200);
    expect(c.sources.map((s) => s.maxPages)).toEqual([5, undefined]);
    expect(resolveConfig({ maxPages: 1000 }, '<defaults>', { env: {} }).maxPages).toBe(1000);
    expect(problemsOf({ maxPages: 0 })[0]).toMatch(/^maxPages: /);
    expect(problemsOf({ sources: [{ type: 'x', queries: ['y'], maxPages: 'all' }] })[0]).toMatch(/^sources\[0\]\.maxPages: /);
  });

  it('lets PULSE_LAKE and PULSE_WAREHOUSE override the file', () => {
    const c = resolveConfig({}, '<defaults>', {
      env: { PULSE_LAKE: 'gs://my-bucket/lake', PULSE_WAREHOUSE: 'bigquery://my-project/pulse?location=EU' },
    });
    expect(c.lakeLocation).toEqual({ kind: 'gcs', bucket: 'my-bucket', prefix: 'lake' });
    expect(c.warehouseLocation).toEqual({ kind: 'bigquery', project: 'my-project', dataset: 'pulse', location: 'EU' });
    expect(problemsOf({}, { PULSE_WAREHOUSE: 'bigquery://x' })[0]).toMatch(/^PULSE_WAREHOUSE: /);
  });

  it('reports a missing file and broken YAML without running anything', async () => {
    await expect(loadConfig('/nonexistent/pulse.config.yaml')).rejects.toThrow(/file not found/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-config-'));
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'sources:\n  - type: x\n   queries: [a\n');
    await expect(loadConfig(file)).rejects.toThrow(/YAML/);
  });

  it('takes credentials from the environment only', () => {
    expect(missingCredentials('bluesky', { BLUESKY_HANDLE: 'a.bsky.social' })).toEqual(['BLUESKY_APP_PASSWORD']);
    expect(missingCredentials('hackernews', {})).toEqual([]);
    expect(secretValues({ X_BEARER_TOKEN: 'AAAA-secret', HOME: '/root', MASTODON_FOSS_TOKEN: 'tok-123' }).sort()).toEqual([
      'AAAA-secret',
      'tok-123',
    ]);
  });

  it('resolves since from a duration or a date', () => {
    const now = new Date('2026-11-24T00:00:00Z');
    expect(resolveSince('30d', now)?.toISOString()).toBe('2026-10-25T00:00:00.000Z');
    expect(resolveSince('2026-11-01', now)?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(resolveSince('soon', now)).toBeNull();
  });
});
