import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import {
  blueskyRun,
  json,
  mastodonStatus,
  redditRun,
  startFakeBluesky,
  startFakeMastodon,
  startFakeReddit,
  startFakeX,
  statusRun,
  xRun,
  xUsers,
  type ReplayServer,
} from '@social-pulse/sources/testing';
import { pulse, workspace, type PulseResult } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

// A name that matches none of the usual *_TOKEN / *_SECRET patterns: only `tokenEnv` says it is a secret.
const VAR = 'FOSS_INSTANCE_CREDENTIAL';
const TOKEN = 'sk-pulse-test-7f3a9c1e5b2d8a64';

const asText = (rows: unknown) => JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? Number(v) : v));

/** Every file of the lake as text: gzip decompressed, Parquet as its rows (read with DuckDB). */
async function lakeTexts(lake: string): Promise<{ file: string; text: string }[]> {
  const files = (await readdir(lake, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const { db, conn } = await openDuckDB(':memory:');
  try {
    const out: { file: string; text: string }[] = [];
    for (const f of files) {
      const p = path.join(f.parentPath, f.name);
      const bytes = await readFile(p);
      const text = p.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : p.endsWith('.parquet') ? asText(await queryRows(conn, `SELECT * FROM read_parquet('${p}')`)) : bytes.toString('utf8');
      out.push({ file: p, text });
    }
    return out;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Every base table of a DuckDB warehouse, each as the text of all its rows. */
async function warehouseTexts(file: string): Promise<Map<string, string>> {
  const wh = await openDuckDB(file, { readOnly: true });
  try {
    const tables = await queryRows<{ table_name: string }>(wh.conn, `SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'`);
    const out = new Map<string, string>();
    for (const t of tables) out.set(t.table_name, asText(await queryRows(wh.conn, `SELECT * FROM "${t.table_name}"`)));
    return out;
  } finally {
    wh.conn.closeSync();
    wh.db.closeSync();
  }
}

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

  it('a token echoed by a 200 page (the X bearer token, Bluesky and Reddit session tokens) reaches no output, lake file, warehouse row or export', async () => {
    const creds = {
      BLUESKY_HANDLE: 'me.bsky.social',
      BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
      // Shaped like a real one: URL-encoded characters in it.
      X_BEARER_TOKEN: 'AAAAAAAAAAAAAAAAAAAAAsecr%2Fet%3Dx-bearer-91c4',
      REDDIT_CLIENT_ID: 'p-jcoLKBynTLew',
      REDDIT_CLIENT_SECRET: 'gko_LXELoV07ZBNUXrvWZfzE3aI',
    };
    const t0 = new Date(Date.now() - 3 * 86_400_000);
    const s0 = Math.floor(t0.getTime() / 1000);
    const x = await startFakeX({ token: creds.X_BEARER_TOKEN, tweets: () => xRun(15, t0), users: [...xUsers], echoAuthorization: true });
    const bsky = await startFakeBluesky({ handle: creds.BLUESKY_HANDLE, password: creds.BLUESKY_APP_PASSWORD, posts: () => blueskyRun(150, t0), accessUses: 1, echoSession: true });
    const reddit = await startFakeReddit({ clientId: creds.REDDIT_CLIENT_ID, clientSecret: creds.REDDIT_CLIENT_SECRET, links: () => redditRun(30, s0), echoToken: true });
    servers.push(x, bsky, reddit);
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 30d
http: { retries: 1, backoffMs: 20 }
sources:
  - type: x
    baseUrl: ${x.url}
    queries: ["#dataengineering"]
  - type: bluesky
    baseUrl: ${bsky.url}
    tags: [dataengineering]
  - type: reddit
    baseUrl: ${reddit.url}
    authUrl: ${reddit.url}
    subreddits: [dataengineering]
`);
    const run = await pulse(['run', '--skip', 'enrich', '--config', ws.config], creds);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const exported = path.join(ws.dir, 'report.html');
    const outputs: Record<string, PulseResult> = {
      run,
      status: await pulse(['status', '--config', ws.config], creds),
      statusJson: await pulse(['status', '--json', '--config', ws.config], creds),
      export: await pulse(['dashboard', '--export', exported, '--view', 'period=30d', '--config', ws.config], creds),
    };
    expect(outputs.export!.code, outputs.export!.stderr).toBe(0);

    // The test means something only if the servers really echoed what they were sent or issued:
    // several Bluesky sessions (each access token serves one search), Reddit tokens, X's header.
    expect(bsky.issued.length).toBeGreaterThanOrEqual(4);
    expect(reddit.issued.length).toBeGreaterThanOrEqual(1);
    expect(x.headers.some((h) => h.authorization === `Bearer ${creds.X_BEARER_TOKEN}`)).toBe(true);
    const secrets = [...Object.values(creds), ...bsky.issued, ...reddit.issued, decodeURIComponent(creds.X_BEARER_TOKEN)];
    const leaks = (where: string, text: string) => secrets.filter((v) => text.includes(v)).map((v) => `${where}: ${v}`);
    const found: string[] = [];
    for (const [name, out] of Object.entries(outputs)) found.push(...leaks(`pulse ${name}`, out.stdout + out.stderr));
    found.push(...leaks('export', await readFile(exported, 'utf8')));
    const lake = await lakeTexts(path.join(ws.dir, 'data/lake'));
    expect(lake.filter((f) => f.file.endsWith('.json.gz')).length).toBeGreaterThanOrEqual(4);
    expect(lake.filter((f) => f.file.endsWith('.parquet')).length).toBeGreaterThanOrEqual(3);
    for (const f of lake) found.push(...leaks(f.file, f.text));
    const tables = await warehouseTexts(path.join(ws.dir, 'data/warehouse.duckdb'));
    expect([...tables.keys()]).toEqual(expect.arrayContaining(['posts', 'pipeline_runs', 'dq_checks']));
    for (const [t, text] of tables) found.push(...leaks(`warehouse ${t}`, text));
    expect(found).toEqual([]);

    // X's echo is reported (masked) as a partial error, in the run's output and its history.
    expect(run.stdout).toMatch(/partial error: Debug Information: Request authorized with Bearer \*\*\*/);
    expect(outputs.status!.stdout).toMatch(/Request authorized with Bearer \*\*\*/);

    // What the servers echoed inside posts is stored, with the tokens replaced.
    const posts = tables.get('posts')!;
    expect(posts).toContain('[session *** ***]');
    expect(posts).toContain('(debug: token ***)');
  });

  it('refuses credentials in a URL of the configuration, naming the key and the variable to use instead', async () => {
    const ws = await workspace(`lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
sources:
  - type: x
    baseUrl: http://me:hunter2-in-the-url@127.0.0.1:9/
    queries: ["#dataengineering"]
  - type: mastodon
    instances: [https://fosstodon.org, "http://admin:hunter2-in-the-url@127.0.0.1:9"]
    tags: [dataengineering]
`);
    const r = await pulse(['run', '--config', ws.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sources\[0\]\.baseUrl: must not carry a user name, a password or a token.*set X_BEARER_TOKEN/);
    expect(r.stderr).toMatch(/sources\[1\]\.instances\[1\]: must not carry .*set tokenEnv/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    // Nothing ran: no lake, no warehouse.
    expect(await readdir(ws.dir)).toEqual(['pulse.config.yaml']);
  });
});
