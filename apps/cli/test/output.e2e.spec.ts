import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { algoliaHit, startFakeAlgolia, type ReplayServer } from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const t0 = Date.UTC(2026, 10, 10) / 1000;
const config = (algolia: string) => `
lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 1, backoffMs: 20 }
retry: { steps: 0 }
sources:
  - type: hackernews
    baseUrl: ${algolia}
    queries: ["data engineering"]
`;

const STACK = /^\s+at /m;

describe('what a failed step prints when output is not a terminal', { timeout: 480_000 }, () => {
  it('one plain line naming every broken model; the stack only with --debug; JSON only with --log-format json', async () => {
    const hn = await startFakeAlgolia(() => Array.from({ length: 5 }, (_, i) => algoliaHit(String(41000000 + i), t0 + i * 60)));
    servers.push(hn);
    const ws = await workspace(config(hn.url));
    const first = await pulse(['run', '--skip', 'enrich', '--config', ws.config]);
    expect(first.code).toBe(0);
    const empty = await mkdtemp(path.join(os.tmpdir(), 'pulse-no-models-'));
    const env = { PULSE_MODELS_DIR: empty };

    const plain = await pulse(['enrich', '--config', ws.config], env);
    expect(plain.code).toBe(1);
    // Exactly one line, on stdout, and nothing on stderr: no JSON record, no stack.
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stdout).toMatch(/^enrich: failed: the NLP models could not be loaded: /);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).not.toMatch(STACK);
    // Every broken model is named, not only the first.
    for (const task of ['topics', 'entities', 'sentiment']) expect(plain.stdout).toContain(`(${task}) is not in ${empty}`);

    const debug = await pulse(['--debug', 'enrich', '--config', ws.config], env);
    expect(debug.code).toBe(1);
    expect(debug.stdout).toBe(plain.stdout);
    expect(debug.stderr).toMatch(/^enrich: error: enrich failed: the NLP models could not be loaded/);
    expect(debug.stderr).toMatch(STACK);
    expect(debug.stderr).not.toMatch(/\{"level"/);

    const json = await pulse(['--log-format', 'json', 'enrich', '--config', ws.config], env);
    expect(json.code).toBe(1);
    const records = json.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: number; name: string; msg: string; err?: { message: string; stack?: string } });
    expect(records).toEqual([expect.objectContaining({ level: 50, name: 'enrich', msg: 'enrich failed', err: expect.objectContaining({ message: expect.stringMatching(/could not be loaded/) }) })]);
    expect(records[0]!.err!.stack).toBeUndefined();
    // The environment variable does the same as the flag.
    const viaEnv = await pulse(['enrich', '--config', ws.config], { ...env, PULSE_LOG_FORMAT: 'json' });
    expect(JSON.parse(viaEnv.stderr.trimEnd().split('\n')[0]!)).toMatchObject({ msg: 'enrich failed' });
  });
});

describe('configuration refused before anything runs', { timeout: 300_000 }, () => {
  it('an empty file and an alias bomb exit 2 naming the file; a timer beyond 2^31-1 ms and a bad since exit 2 naming the key', async () => {
    const empty = await workspace('');
    const r = await pulse(['run', '--config', empty.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${empty.config}: invalid configuration\n  - (top level): the file is empty`);
    expect(existsSync(path.join(empty.dir, 'data'))).toBe(false);

    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (const [n, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
      lines.push(`${n}: &${n} [${Array.from({ length: 9 }, () => `*${prev}`).join(', ')}]`);
    }
    const bomb = await workspace(`${lines.join('\n')}\n`);
    const b = await pulse(['status', '--config', bomb.config]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${bomb.config}: invalid configuration\n  - YAML: Excessive alias count`);

    const timer = await workspace('http: { timeoutMs: 9999999999 }\nsince: 2026-13-45\nsources: []\n');
    const t = await pulse(['run', '--config', timer.config]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/- since: "2026-13-45" is not a date/);
    expect(t.stderr).toMatch(/- http\.timeoutMs: expected at most 2147483647 ms/);
  });

  it('pulse status on a missing DuckDB warehouse says so, and how to create it, instead of creating it', async () => {
    const ws = await workspace('lake: ./data/lake\nwarehouse: duckdb:./data/warehouse.duckdb\nsources: []\n');
    const r = await pulse(['status', '--config', ws.config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`pulse: the warehouse ${path.join(ws.dir, 'data/warehouse.duckdb')} does not exist yet: \`pulse run\` (or \`pulse load\`) creates it`);
    expect(existsSync(path.join(ws.dir, 'data/warehouse.duckdb'))).toBe(false);
  });
});
