/**
 * What the pipeline benchmarks share: a scratch lake and warehouse with their configuration,
 * the real `pulse` command run in a child process with its wall time and peak memory measured
 * by the kernel (wait4's rusage, through GNU time), and plain-text tables.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCount } from '../generate/count.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PULSE = path.join(ROOT, 'apps/cli/bin/pulse.mjs');
const TIME = '/usr/bin/time';

export interface Scratch {
  dir: string;
  lake: string;
  config: string;
  warehouse: string;
  cleanup(): Promise<void>;
}

/** A fresh folder with a lake, a DuckDB warehouse and a configuration naming them. */
export async function scratch(name: string, extraYaml = ''): Promise<Scratch> {
  const dir = await mkdtemp(path.join(process.env.PULSE_BENCH_DIR ?? os.tmpdir(), `pulse-bench-${name}-`));
  const lake = path.join(dir, 'lake');
  const warehouse = path.join(dir, 'warehouse.duckdb');
  const config = path.join(dir, 'pulse.config.yaml');
  // The sources are never called: benchmarks start from a generated raw zone.
  await writeFile(
    config,
    `lake: ${lake}\nwarehouse: duckdb:${warehouse}\nsince: 60d\nsources:\n  - type: hackernews\n    queries: [data engineering]\n    baseUrl: http://127.0.0.1:9\n${extraYaml}`,
  );
  return { dir, lake, config, warehouse, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Measured {
  seconds: number;
  /** Peak resident memory of the process tree's largest process, MB. */
  peakMb: number;
  stdout: string;
}

/**
 * Runs a command and measures it. Peak memory is the kernel's max RSS of the command and the
 * children it waited for (a step forked by `pulse` counts), read through GNU time when it is
 * installed; without it only the wall time is reported.
 */
export async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  const haveTime = existsSync(TIME);
  const report = path.join(os.tmpdir(), `pulse-bench-time-${process.pid}-${Date.now()}.txt`);
  const [file, argv] = haveTime ? [TIME, ['-f', '%e %M', '-o', report, cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(file, argv, { env: { ...process.env, PULSE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}${out.slice(-2000)}`))));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let peakMb = Number.NaN;
  if (haveTime) {
    const [, kb] = (await readFile(report, 'utf8')).trim().split(/\s+/);
    peakMb = Number(kb) / 1024;
    await rm(report, { force: true });
  }
  return { seconds, peakMb, stdout };
}

/** `pulse <args>` as a user runs it. */
export function pulse(s: Scratch, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  return measure(process.execPath, [PULSE, ...args, '--config', s.config], env);
}

/** A `tsx` script of this repository in its own process (baselines, generators). */
export function script(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  return measure(process.execPath, ['--import', 'tsx', path.join(ROOT, file), ...args], env);
}

/** Generates `posts` synthetic posts into the scratch lake's raw zone (not timed by callers). */
export function generatePosts(s: Scratch, posts: number, opts: { seed: number; end: string; days?: number }): Promise<Measured> {
  return script('tools/generate/main.ts', ['--lake', s.lake, '--posts', String(posts), '--seed', String(opts.seed), '--end', opts.end, '--days', String(opts.days ?? 30)]);
}

export function parseSizes(arg: string | undefined, fallback: number[], name = 'posts'): number[] {
  if (!arg) return fallback;
  return arg.split(',').map((v) => parseCount(v, name));
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Number.isInteger(n) || Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** The machine, for the report. */
export function machine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/**
 * The dashboard app of a checkout (`tree`) in a process of its own, as `pulse dashboard` starts
 * it, on a free port with the configuration given: resolves once it says where it listens.
 */
export async function startDashboardApp(tree: string, config: string): Promise<{ child: ChildProcess; url: string; stop(): Promise<void> }> {
  const child = fork(path.join(tree, 'apps/dashboard/src/main.ts'), ['--config', config, '--port', '0'], {
    cwd: tree,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /dashboard on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the dashboard of ${tree} exited with code ${code}`)));
  });
  return { child, url, stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) };
}
