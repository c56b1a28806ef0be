import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnrichJob } from '../components/enrich-batch-job.ts';
import { CONFIG_DEFAULTS, OBJECT_CONFIG_DEFAULTS } from '../config.ts';

const projectFile = readFileSync(new URL('../../Pulumi.yaml', import.meta.url), 'utf8');

function scalar(text: string): string | number | boolean {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return /^".*"$/.test(text) ? (JSON.parse(text) as string) : text;
}

/** The `config:` block of Pulumi.yaml: key → its attributes (the file's own simple layout). */
function declaredConfig(): Map<string, Record<string, string | number | boolean>> {
  const lines = projectFile.split('\n');
  const start = lines.indexOf('config:');
  const declared = new Map<string, Record<string, string | number | boolean>>();
  let current: Record<string, string | number | boolean> | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const key = /^ {2}(\w+):$/.exec(line);
    const attribute = /^ {4}(\w+): (.*)$/.exec(line);
    if (key?.[1] !== undefined) declared.set(key[1], (current = {}));
    else if (attribute?.[1] !== undefined && attribute[2] !== undefined && current) current[attribute[1]] = scalar(attribute[2]);
  }
  return declared;
}

const TYPE_OF = { string: 'string', number: 'integer', boolean: 'boolean' } as const;

describe('Pulumi.yaml', () => {
  it('names the project and runs infra/index.ts with tsx', () => {
    expect(projectFile).toMatch(/^name: social-pulse$/m);
    expect(projectFile).toMatch(/^main: infra\/index\.ts$/m);
    expect(projectFile).toMatch(/^ {4}nodeargs: --import tsx$/m);
  });

  it('declares exactly the keys the program reads', () => {
    expect([...declaredConfig().keys()].sort()).toEqual([...Object.keys(CONFIG_DEFAULTS), ...Object.keys(OBJECT_CONFIG_DEFAULTS)].sort());
  });

  it.each(Object.entries(OBJECT_CONFIG_DEFAULTS))('declares the object %s with a description, its default and no type', (key, value) => {
    const declared = declaredConfig().get(key) ?? {};
    // Pulumi types project config as scalars and arrays only; a typed key would refuse an object.
    expect(declared['type']).toBeUndefined();
    expect(String(declared['description'] ?? '')).not.toBe('');
    expect(declared['default']).toBe(JSON.stringify(value));
  });

  it('declares no Cloud Batch job by default', () => {
    const declared = declaredConfig().get('enrichJob') ?? {};
    expect(parseEnrichJob(JSON.parse(String(declared['default'])))).toBeUndefined();
    expect(parseEnrichJob({ tasks: 2 })).toMatchObject({ tasks: 2 });
  });

  it.each(Object.entries(CONFIG_DEFAULTS))('declares %s with type, description and the same default', (key, value) => {
    const declared = declaredConfig().get(key) ?? {};
    expect(declared['type']).toBe(TYPE_OF[typeof value as keyof typeof TYPE_OF]);
    expect(String(declared['description'] ?? '')).not.toBe('');
    expect(declared['default']).toBe(value);
  });
});
