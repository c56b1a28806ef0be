#!/usr/bin/env node
// The `pulse` command. It runs compiled JavaScript (apps/cli/dist, bundled from the
// TypeScript sources by compiled.mjs), built here when there is none or when any source
// changed since, so that there is still no build step between a `git pull` and a run and a
// stale build never runs. Each step's process starts from the same build (PULSE_COMPILED_DIR).
// PULSE_FROM_SOURCE=1 runs the sources through tsx instead, as does a checkout where no
// build can be made (it says why on stderr).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let compiled;
if (process.env.PULSE_FROM_SOURCE !== '1') {
  const { ensureCompiled } = await import('./compiled.mjs');
  const r = await ensureCompiled();
  if (r.error) process.stderr.write(`pulse: running from the TypeScript sources through tsx (slower): ${r.error}\n`);
  else compiled = r.dir;
}
if (compiled) {
  process.env.PULSE_COMPILED_DIR = compiled;
  // Node 22.1+ keeps V8's compiled code of the build on disk: later starts skip compiling it.
  // The variable carries it to the step processes; Node 20 ignores it.
  process.env.NODE_COMPILE_CACHE ??= path.join(compiled, '.v8-cache');
  (await import('node:module')).enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
  await import(pathToFileURL(path.join(compiled, 'cli.mjs')).href);
} else {
  delete process.env.PULSE_COMPILED_DIR;
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
