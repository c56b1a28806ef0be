import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type RawConfig } from './schema.ts';
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
export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${formatPath(issue.path)}: ` : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `${formatPath(issue.path)}: expected type to be one of mastodon, hackernews, bluesky, reddit, x, stackexchange`;
  }
  return `${formatPath(issue.path)}: ${issue.message}`;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
}

/** Validate an already-parsed document. `file` is used for messages and to resolve relative paths. */
export function resolveConfig(doc: unknown, file: string, opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const parsed = configSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map(describeIssue));
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
  if (problems.length || !lakeLocation || !warehouseLocation) throw new ConfigError(file, problems);
  return { ...raw, lake, warehouse, file, lakeLocation, warehouseLocation };
}

/** Read and validate a YAML configuration file. */
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
  return resolveConfig(doc.toJS(), file, opts);
}
