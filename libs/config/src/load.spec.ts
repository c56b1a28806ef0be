import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, pathProblems, resolveConfig } from './load.ts';
import { missingCredentials, secretValues } from './credentials.ts';
import { refreshBudget, resolveSince } from './duration.ts';
import { DEFAULT_REFRESH_REQUESTS } from './schema.ts';

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

  it('reads refresh: on by default with a 48h window, a budget per source, off with enabled: false', () => {
    const c = resolveConfig({}, '<defaults>', { env: {} });
    expect(c.refresh).toEqual({ enabled: true, window: '48h' });
    expect(refreshBudget(c.refresh, 'bluesky', DEFAULT_REFRESH_REQUESTS)).toBe(DEFAULT_REFRESH_REQUESTS.bluesky);
    const per = resolveConfig({ refresh: { maxRequests: { x: 0, reddit: 3 } } }, '<defaults>', { env: {} }).refresh;
    expect(['x', 'reddit', 'mastodon'].map((s) => refreshBudget(per, s, DEFAULT_REFRESH_REQUESTS))).toEqual([0, 3, DEFAULT_REFRESH_REQUESTS.mastodon]);
    expect(refreshBudget(resolveConfig({ refresh: { maxRequests: 7 } }, '<defaults>', { env: {} }).refresh, 'x', DEFAULT_REFRESH_REQUESTS)).toBe(7);
    expect(refreshBudget(resolveConfig({ refresh: { enabled: false } }, '<defaults>', { env: {} }).refresh, 'x', DEFAULT_REFRESH_REQUESTS)).toBe(0);
    expect(problemsOf({ refresh: { window: 'two days' } })[0]).toMatch(/^refresh\.window: /);
    expect(problemsOf({ refresh: { maxRequests: { myspace: 3 } } })[0]).toMatch(/^refresh\.maxRequests/);
  });

  it('lets PULSE_LAKE and PULSE_WAREHOUSE override the file', () => {
    const c = resolveConfig({}, '<defaults>', {
      env: { PULSE_LAKE: 'gs://my-bucket/lake', PULSE_WAREHOUSE: 'bigquery://my-project/pulse?location=EU' },
    });
    expect(c.lakeLocation).toEqual({ kind: 'gcs', bucket: 'my-bucket', prefix: 'lake' });
    expect(c.warehouseLocation).toEqual({ kind: 'bigquery', project: 'my-project', dataset: 'pulse', location: 'EU' });
    expect(problemsOf({}, { PULSE_WAREHOUSE: 'bigquery://x' })[0]).toMatch(/^PULSE_WAREHOUSE: /);
  });

  it('takes the webhook from PULSE_NOTIFY_WEBHOOK (its path is a secret), keeping the file\'s other notify settings', () => {
    const hook = 'https://hooks.slack.com/services/T000/B000/XXXXsecret';
    const c = resolveConfig({ notify: { webhook: 'https://hooks.example.com/old', events: true } }, '<defaults>', { env: { PULSE_NOTIFY_WEBHOOK: hook } });
    expect(c.notify).toEqual({ webhook: hook, events: true, format: 'auto' });
    expect(resolveConfig({ notify: { events: true } }, '<defaults>', { env: {} }).notify.webhook).toBeUndefined();
    expect(problemsOf({}, { PULSE_NOTIFY_WEBHOOK: 'ftp://hooks.example.com/x' })).toEqual(['PULSE_NOTIFY_WEBHOOK: expected an http(s) URL']);
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

/** The problems a file's text is refused with (none when it loads). */
async function fileProblems(text: string, opts: Parameters<typeof loadConfig>[1] = {}): Promise<{ file: string; problems: string[]; message: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-config-'));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, text);
  try {
    await loadConfig(file, { env: {}, ...opts });
  } catch (e) {
    if (e instanceof ConfigError) return { file, problems: e.problems, message: e.message };
    throw e;
  }
  return { file, problems: [], message: '' };
}

describe('configuration that must be refused (exit 2, naming the key)', () => {
  it('refuses an empty file, or one of comments only, instead of running on defaults', async () => {
    for (const text of ['', '\n\n', '# nothing here yet\n']) {
      const r = await fileProblems(text);
      expect(r.problems).toEqual(['(top level): the file is empty; it needs at least `sources:` (see the README)']);
    }
  });

  it('refuses a YAML alias bomb with the file name, without expanding it', async () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    let prev = 'a';
    for (const n of 'bcdefghi') {
      lines.push(`${n}: &${n} [${Array.from({ length: 9 }, () => `*${prev}`).join(', ')}]`);
      prev = n;
    }
    const r = await fileProblems(`${lines.join('\n')}\n`);
    expect(r.problems).toEqual(['YAML: Excessive alias count indicates a resource exhaustion attack']);
    expect(r.message.startsWith(`${r.file}: invalid configuration`)).toBe(true);
  });

  it('refuses a since that is no date, or reaches back beyond any date', () => {
    expect(problemsOf({ since: '2026-13-45' })).toEqual(['since: "2026-13-45" is not a date (expected YYYY-MM-DD, e.g. 2026-11-01)']);
    expect(problemsOf({ since: '2026-02-30' })).toEqual(['since: "2026-02-30" is not a date (expected YYYY-MM-DD, e.g. 2026-11-01)']);
    expect(problemsOf({ sources: [{ type: 'hackernews', queries: ['x'], since: '9999999999w' }] })).toEqual([
      'sources[0].since: "9999999999w" reaches back further than any date',
    ]);
    expect(problemsOf({ since: '2024-02-29' })).toEqual([]);
    expect(problemsOf({ since: '520w' })).toEqual([]);
    expect(resolveSince('2026-13-45', new Date())).toBeNull();
    expect(resolveSince('9999999999w', new Date())).toBeNull();
  });

  it('refuses an http.timeoutMs (or maxRetryAfterMs) longer than a timer can wait', () => {
    const max = 2 ** 31 - 1;
    expect(problemsOf({ http: { timeoutMs: max + 1 } })).toEqual([`http.timeoutMs: expected at most ${max} ms (about 24.8 days), the longest a timer can wait`]);
    expect(problemsOf({ http: { maxRetryAfterMs: 1e12 } })[0]).toMatch(/^http\.maxRetryAfterMs: expected at most 2147483647 ms/);
    expect(problemsOf({ http: { timeoutMs: max } })).toEqual([]);
  });

  it('refuses a lake that is a file, or under one, and a warehouse under a file or that is a folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-config-'));
    await writeFile(path.join(dir, 'afile'), 'x');
    await mkdir(path.join(dir, 'afolder'));
    const lakeFile = await fileProblems(`lake: ${path.join(dir, 'afile')}\n`);
    expect(lakeFile.problems).toEqual([`lake: ${path.join(dir, 'afile')} is a file, not a folder`]);
    const lakeUnder = await fileProblems(`lake: ${path.join(dir, 'afile/lake')}\n`);
    expect(lakeUnder.problems).toEqual([`lake: ${path.join(dir, 'afile/lake')} is under ${path.join(dir, 'afile')}, which is a file`]);
    const whUnder = await fileProblems(`warehouse: duckdb:${path.join(dir, 'afile/sub/w.duckdb')}\n`);
    expect(whUnder.problems).toEqual([`warehouse: ${path.join(dir, 'afile/sub/w.duckdb')} is under ${path.join(dir, 'afile')}, which is a file`]);
    const whFolder = await fileProblems(`warehouse: duckdb:${path.join(dir, 'afolder')}\n`);
    expect(whFolder.problems).toEqual([`warehouse: ${path.join(dir, 'afolder')} is a folder, not a DuckDB file`]);
    // From the environment, the variable is named.
    const env = { PULSE_LAKE: path.join(dir, 'afile') };
    expect((await fileProblems('sources: []\n', { env })).problems).toEqual([`PULSE_LAKE: ${path.join(dir, 'afile')} is a file, not a folder`]);
    // A lake and warehouse that do not exist yet, under folders, are fine: runs create them.
    expect((await fileProblems(`lake: ${path.join(dir, 'new/lake')}\nwarehouse: duckdb:${path.join(dir, 'new/w.duckdb')}\n`)).problems).toEqual([]);
  });

  it('refuses a lake that cannot be written or created (status, which only reads, does not ask)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-config-'));
    const config = resolveConfig({ lake: path.join(dir, 'lake') }, path.join(dir, 'pulse.config.yaml'), { env: {} });
    // Root may write anywhere, so the denial is simulated where the check asks.
    const denied = async (p: string) => {
      if (p === dir) throw Object.assign(new Error(`EACCES: permission denied, access '${p}'`), { code: 'EACCES' });
    };
    expect(await pathProblems(config, { env: {}, access: denied })).toEqual([`lake: cannot create ${path.join(dir, 'lake')}: ${dir} is not writable`]);
    expect(await pathProblems(config, { env: {}, access: denied, lakeAccess: 'read' })).toEqual([]);
    await mkdir(path.join(dir, 'lake'));
    const deniedLake = async (p: string) => {
      if (p === path.join(dir, 'lake')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    expect(await pathProblems(config, { env: {}, access: deniedLake })).toEqual([`lake: cannot write to ${path.join(dir, 'lake')} (permission denied)`]);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a read-only lake folder for real (not as root)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-config-'));
    await mkdir(path.join(dir, 'lake'));
    await chmod(path.join(dir, 'lake'), 0o555);
    try {
      const r = await fileProblems(`lake: ${path.join(dir, 'lake')}\n`);
      expect(r.problems).toEqual([`lake: cannot write to ${path.join(dir, 'lake')} (permission denied)`]);
    } finally {
      await chmod(path.join(dir, 'lake'), 0o755);
    }
  });
});
