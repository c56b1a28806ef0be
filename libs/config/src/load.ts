import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { issuePath, issueText, nameList, type AnySourceSpec } from '@social-pulse/schema';
import { SOURCES } from '@social-pulse/sources/specs';
import type { z } from 'zod';
import { configSchema, configSchemaOf, type RawConfig } from './schema.ts';
import { parseLakeUri, parseWarehouseUri, type LakeLocation, type WarehouseLocation } from './uris.ts';

/** A configuration problem: the message names the path of the bad key; nothing runs. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface Config extends RawConfig {
  /** The file it was read from (or `<defaults>`). */
  file: string;
  lakeLocation: LakeLocation;
  warehouseLocation: WarehouseLocation;
}

/** `sources[1].tags` from a zod issue path. */
export const formatPath = (p: readonly PropertyKey[]): string => issuePath(p);

function describeIssue(issue: z.core.$ZodIssue, specs: readonly AnySourceSpec[]): string {
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `${formatPath(issue.path)}: expected type to be one of ${nameList(specs)}`;
  }
  return issueText(issue, { unknown: 'key' });
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * What the command does with a local lake: `write` (the default) also checks that the lake
   * folder can be written or created; `read` (status) only that it is not under a file.
   */
  lakeAccess?: 'read' | 'write';
  /** `fs.promises.access`, replaceable in tests (root may write anywhere). */
  access?: (file: string, mode: number) => Promise<void>;
  /** The sources a `sources:` entry may name (default: every source of this build; tests add their own). */
  sources?: readonly AnySourceSpec[];
}

/** Validate an already-parsed document. `file` is used for messages and to resolve relative paths. */
export function resolveConfig(doc: unknown, file: string, opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const specs = opts.sources ?? SOURCES;
  const schema = opts.sources ? (configSchemaOf(opts.sources) as unknown as typeof configSchema) : configSchema;
  const parsed = schema.safeParse(doc ?? {});
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((i) => describeIssue(i, specs)));
  const raw = parsed.data;
  // The two URIs may be overridden from the environment (PULSE_LAKE, PULSE_WAREHOUSE).
  const lake = env.PULSE_LAKE?.trim() || raw.lake;
  const warehouse = env.PULSE_WAREHOUSE?.trim() || raw.warehouse;
  const baseDir = file === '<defaults>' ? process.cwd() : path.dirname(path.resolve(file));
  const problems: string[] = [];
  let lakeLocation: LakeLocation | undefined;
  let warehouseLocation: WarehouseLocation | undefined;
  try {
    lakeLocation = parseLakeUri(lake, baseDir);
  } catch (e) {
    problems.push(`${env.PULSE_LAKE ? 'PULSE_LAKE' : 'lake'}: ${(e as Error).message}`);
  }
  try {
    warehouseLocation = parseWarehouseUri(warehouse, baseDir);
  } catch (e) {
    problems.push(`${env.PULSE_WAREHOUSE ? 'PULSE_WAREHOUSE' : 'warehouse'}: ${(e as Error).message}`);
  }
  // The webhook may be given by the environment instead (PULSE_NOTIFY_WEBHOOK): Slack's and
  // Discord's webhook URLs carry their token in the path, which is a secret like any other.
  let notify = raw.notify;
  const hook = env.PULSE_NOTIFY_WEBHOOK?.trim();
  if (hook) {
    const checked = configSchema.shape.notify.safeParse({ ...raw.notify, webhook: hook });
    if (checked.success) notify = checked.data;
    else problems.push('PULSE_NOTIFY_WEBHOOK: expected an http(s) URL');
  }
  if (problems.length || !lakeLocation || !warehouseLocation) throw new ConfigError(file, problems);
  return { ...raw, notify, lake, warehouse, file, lakeLocation, warehouseLocation };
}

/** The path itself when it exists, else its nearest existing ancestor, with what it is. */
async function nearestExisting(p: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let cur = p; ; cur = path.dirname(cur)) {
    try {
      return { path: cur, isDirectory: (await stat(cur)).isDirectory() };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file somewhere above; keep climbing to find it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(cur) === cur) throw e;
    }
  }
}

/**
 * Problems with the local paths of a configuration that would only show up in the middle of a
 * run: a lake that is a file, under a file or not writable, a warehouse file under a file or
 * that is a folder. Cloud locations are checked when they are used.
 */
export async function pathProblems(config: Pick<Config, 'lakeLocation' | 'warehouseLocation'>, opts: LoadOptions = {}): Promise<string[]> {
  const env = opts.env ?? process.env;
  const check = opts.access ?? access;
  const problems: string[] = [];
  const lakeKey = env.PULSE_LAKE?.trim() ? 'PULSE_LAKE' : 'lake';
  const warehouseKey = env.PULSE_WAREHOUSE?.trim() ? 'PULSE_WAREHOUSE' : 'warehouse';
  if (config.lakeLocation.kind === 'local') {
    const root = config.lakeLocation.root;
    const found = await nearestExisting(root);
    if (!found.isDirectory) {
      problems.push(found.path === root ? `${lakeKey}: ${root} is a file, not a folder` : `${lakeKey}: ${root} is under ${found.path}, which is a file`);
    } else if ((opts.lakeAccess ?? 'write') === 'write') {
      try {
        await check(found.path, constants.W_OK | constants.X_OK);
      } catch {
        problems.push(
          found.path === root ? `${lakeKey}: cannot write to ${root} (permission denied)` : `${lakeKey}: cannot create ${root}: ${found.path} is not writable`,
        );
      }
    }
  }
  if (config.warehouseLocation.kind === 'duckdb' && config.warehouseLocation.path !== ':memory:') {
    const file = config.warehouseLocation.path;
    const found = await nearestExisting(file);
    if (found.path === file && found.isDirectory) problems.push(`${warehouseKey}: ${file} is a folder, not a DuckDB file`);
    else if (found.path !== file && !found.isDirectory) problems.push(`${warehouseKey}: ${file} is under ${found.path}, which is a file`);
  }
  return problems;
}

/** Read and validate a YAML configuration file, and the local paths it names. */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(file, [
      err.code === 'ENOENT' ? 'file not found (create it, or pass --config FILE)' : `cannot read: ${err.message}`,
    ]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  }
  // An empty file is more likely a mistake (a wrong path, a failed copy) than a wish for defaults.
  if (doc.contents === null) throw new ConfigError(file, ['(top level): the file is empty; it needs at least `sources:` (see the README)']);
  let value: unknown;
  try {
    // maxAliasCount (yaml's default, stated here) stops a "billion laughs" alias bomb.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(file, [`YAML: ${(e as Error).message}`]);
  }
  const config = resolveConfig(value, file, opts);
  const problems = await pathProblems(config, opts);
  if (problems.length) throw new ConfigError(file, problems);
  return config;
}
