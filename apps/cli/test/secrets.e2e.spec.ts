import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { json, mastodonStatus, startFakeMastodon, statusRun, type ReplayServer } from '@social-pulse/sources/testing';
import { pulse, workspace } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

// A name that matches none of the usual *_TOKEN / *_SECRET patterns: only `tokenEnv` says it is a secret.
const VAR = 'FOSS_INSTANCE_CREDENTIAL';
const TOKEN = 'sk-pulse-test-7f3a9c1e5b2d8a64';

describe('secrets', { timeout: 300_000 }, () => {
  it('never appear in logs, errors, the lake or the warehouse, even when a request fails with the token in it', async () => {
    // One instance refuses the token and echoes it back in its error (and in a header); the
    // other accepts it and echoes it inside a status, as a misbehaving server might.
    const refusing = await startFakeMastodon(
      () => [],
      ({ headers }) => json({ error: `The access token is invalid: ${String(headers.authorization)}` }, 401, { 'www-authenticate': `Bearer error="invalid_token" token="${TOKEN}"` }),
    );
    const echoing = await startFakeMastodon(() => [
      ...statusRun(5, 'ok.example'),
      mastodonStatus('109000000000009999', 'ok.example', { created_at: '2026-11-22T08:00:00.000Z', content: `<p>debug: you sent ${TOKEN}</p>` }),
    ]);
    servers.push(refusing, echoing);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 1, backoffMs: 20 }
sources:
  - type: mastodon
    instances: [${refusing.url}, ${echoing.url}]
    tags: [dataengineering]
    tokenEnv: ${VAR}
`);
    const env = { [VAR]: TOKEN, PULSE_LOG_LEVEL: 'debug' };
    const run = await pulse(['run', '--skip', 'enrich', '--config', ws.config], env);
    // The test means something only if the token was really sent, and refused.
    expect(refusing.headers[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(run.stdout).toMatch(/HTTP 401/);
    const status = await pulse(['status', '--config', ws.config], env);
    const statusJson = await pulse(['status', '--json', '--config', ws.config], env);
    const doctor = await pulse(['doctor', '--config', ws.config], env);
    for (const out of [run, status, statusJson, doctor]) {
      expect(out.stdout + out.stderr).not.toContain(TOKEN);
      expect(out.stdout + out.stderr).not.toContain(TOKEN.slice(0, 16));
    }

    // The lake: every file, decompressed where it is gzip, and every Parquet row as text.
    const lake = path.join(ws.dir, 'data/lake');
    const files = (await readdir(lake, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(3);
    const { db, conn } = await openDuckDB(':memory:');
    try {
      for (const f of files) {
        const p = path.join(f.parentPath, f.name);
        const bytes = await readFile(p);
        const text = p.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : p.endsWith('.parquet') ? JSON.stringify(await queryRows(conn, `SELECT * FROM read_parquet('${p}')`), (_, v) => (typeof v === 'bigint' ? Number(v) : v)) : bytes.toString('utf8');
        expect(text, p).not.toContain(TOKEN);
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }

    // The warehouse: every row of every table.
    const wh = await openDuckDB(path.join(ws.dir, 'data/warehouse.duckdb'), { readOnly: true });
    try {
      const tables = await queryRows<{ table_name: string }>(wh.conn, `SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'`);
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['posts', 'pipeline_runs', 'dq_checks']));
      for (const t of tables) {
        const rows = await queryRows(wh.conn, `SELECT * FROM "${t.table_name}"`);
        expect(JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? Number(v) : v)), t.table_name).not.toContain(TOKEN);
      }
      const [echoed] = await queryRows<{ text: string }>(wh.conn, `SELECT text FROM posts WHERE native_id LIKE '%9999'`);
      expect(echoed!.text).toBe('debug: you sent ***');
    } finally {
      wh.conn.closeSync();
      wh.db.closeSync();
    }
  });
});
