// Preloaded by tests (NODE_OPTIONS=--import=<this file>) into `pulse` and, through the
// environment, into every step process it forks: writes to PULSE_TEST_MODULES_DIR/<pid>.txt
// the process's arguments, every module it resolved through the ES module loader, and at
// exit every CommonJS module it loaded (native addons included).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import path from 'node:path';

const dir = process.env.PULSE_TEST_MODULES_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.txt`);
  appendFileSync(file, `argv ${process.argv.slice(1).join(' ')}\n`);
  register('./record-modules-hooks.mjs', import.meta.url, { data: { file } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(file, Object.keys(require.cache).map((k) => `cjs ${k}\n`).join('')));
}
