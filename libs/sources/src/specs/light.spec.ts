import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What loading `@social-pulse/sources/specs` loads, read from the imports themselves: the
 * modules reached through value imports (an `import type` is erased, a dynamic `import()` —
 * a source's `runtime` — is not followed). libs/config, libs/lake, the Pulumi program and the
 * dashboard's server import this entry; none of them may load a source's runtime.
 */
function reached(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'([^']+)';/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => path.relative(path.resolve(import.meta.dirname, '..'), f)).sort(), packages: [...packages].sort() };
}

describe('the light entry of libs/sources', () => {
  it('loads the specs and the entry schema, and no runtime code', () => {
    const { files, packages } = reached(path.resolve(import.meta.dirname, 'index.ts'));
    // Every source's light module is reached (through SOURCES)…
    expect(files).toEqual(expect.arrayContaining(['list.ts', 'mastodon/index.ts', 'hackernews/index.ts', 'bluesky/index.ts', 'reddit/index.ts', 'x/index.ts', 'stackexchange/index.ts']));
    // …and nothing but light modules: no runtime.ts, source, normalizer, HTTP client or HTML parser.
    expect(files.filter((f) => !/^(specs\/[\w-]+\.ts|list\.ts|[\w-]+\/index\.ts)$/.test(f))).toEqual([]);
    expect(packages).toEqual(['@social-pulse/schema', '@social-pulse/schema/sources', 'zod']);
  });
});
