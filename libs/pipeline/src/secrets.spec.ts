import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '@social-pulse/config';
import { registerSecrets, silentLogger } from '@social-pulse/runtime';
import { openWarehouse } from '@social-pulse/warehouse';
import { configSecrets, runStep } from './harness.ts';
import { runPipeline } from './orchestrate.ts';
import type { StepName, StepReport } from './report.ts';

async function setup(extra: Record<string, unknown> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-secrets-'));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, '');
  return resolveConfig({ lake: './lake', warehouse: 'duckdb:./w.duckdb', retry: { steps: 0, backoffMs: 1 }, ...extra }, file, { env: {} });
}

async function history(config: Awaited<ReturnType<typeof setup>>): Promise<string> {
  const w = await openWarehouse(config.warehouseLocation);
  try {
    return JSON.stringify(await w.query('SELECT * FROM pipeline_runs'), (_, v) => (typeof v === 'bigint' ? Number(v) : v));
  } finally {
    await w.close();
  }
}

describe('secrets in reports, the run history and notices', () => {
  it('a step masks a token it obtained at run time in its report and in every history row it records', async () => {
    const config = await setup();
    const token = 'eyJ.runtime-session-4e1f.sig';
    const report = await runStep(
      'scrape',
      async () => {
        // As a source does when it logs in; then a server echoes the token into a warning.
        registerSecrets([token]);
        const warning = `bluesky: #x: partial error: you sent ${token}`;
        return {
          status: 'partial', rowsIn: 1, rowsOut: 1, rowsRejected: 0, retries: 0, error: warning, lines: ['scrape', `  ${warning}`],
          details: { note: warning },
          perSource: [{ source: 'bluesky', started_at: new Date().toISOString(), finished_at: new Date().toISOString(), status: 'partial', rows_in: 1, rows_out: 1, rows_rejected: 0, retries: 0, error: warning, details: JSON.stringify({ warning }) }],
        };
      },
      { config, env: {} },
    );
    expect(JSON.stringify(report)).not.toContain(token);
    expect(report.lines[1]).toBe('  bluesky: #x: partial error: you sent ***');
    const rows = await history(config);
    expect(rows).not.toContain(token);
    expect(rows).toContain('you sent ***');
  });

  it("a webhook's URL and its path are secrets: a step that echoes them has them masked in its report and the history", async () => {
    const hook = 'https://hooks.slack.com/services/T0AAA/B0BBB/token-in-the-path-42';
    const config = await setup({ notify: { webhook: hook } });
    expect(configSecrets(config, {})).toEqual(expect.arrayContaining([hook, '/services/T0AAA/B0BBB/token-in-the-path-42']));
    expect(configSecrets(await setup({ notify: { webhook: 'https://hooks.example.com/' } }), {})).toEqual(['https://hooks.example.com/']);
    const report = await runStep(
      'load',
      async () => ({ status: 'partial', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, error: `POST ${hook} failed`, lines: [`alert to /services/T0AAA/B0BBB/token-in-the-path-42: 404`] }),
      // runStep registers the configuration's secrets itself, the webhook's among them.
      { config, env: {}, runId: 'r-hook' },
    );
    expect(JSON.stringify(report)).not.toContain('token-in-the-path-42');
    expect(await history(config)).not.toContain('token-in-the-path-42');
  });

  it('the orchestrator masks every line it prints, every row it records and the notice, whatever a step reports', async () => {
    const secret = 'X-bearer-AAAA%2Fsecret-77';
    registerSecrets([secret]);
    const notices: string[] = [];
    const hook = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => (notices.push(b), res.writeHead(200).end('{}')));
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const config = await setup({ notify: { webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` } });
    const out: string[] = [];
    // A step that died without a report of its own, or an older step build: unmasked text.
    const leaky = (step: StepName, status: StepReport['status']): StepReport => ({
      step, status, rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, error: `${step}: Bearer ${secret} refused`, retryable: false,
      lines: [`${step} saw ${secret}`], startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
    });
    const summary = await runPipeline(config, {
      launch: async (step) => leaky(step, step === 'lake-write' ? 'failed' : 'partial'),
      enabled: async (step) => step !== 'enrich',
      out: (l) => out.push(l),
      log: silentLogger,
    });
    hook.close();
    expect(summary.status).toBe('failed');
    expect(out.join('\n')).not.toContain(secret);
    expect(out).toContain('scrape saw ***');
    expect(out.join('\n')).toContain('not run: lake-write failed (lake-write: Bearer *** refused)');
    expect(JSON.stringify(summary)).not.toContain(secret);
    const rows = await history(config);
    expect(rows).not.toContain(secret);
    expect(rows).toContain('Bearer *** refused');
    expect(notices).toHaveLength(1);
    expect(notices[0]).not.toContain(secret);
  });
});
