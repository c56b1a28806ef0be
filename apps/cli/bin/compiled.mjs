// The compiled JavaScript that `pulse` runs: the CLI and each pipeline step bundled by esbuild
// from the TypeScript sources into apps/cli/dist/, so that a run does not start tsx (and
// compile every source file again) in each step's process. Packages from node_modules are
// bundled too, except those in EXTERNAL below (native addons, packages that find files beside
// themselves, the heavy ones the sources load lazily), which stay imports resolved at run time;
// code splitting keeps a dynamic import a separate chunk, loaded only when it runs.
//
// A stale build must never run old code after a source edit: the build records the size,
// mtime and SHA-256 of every source file it was built from (and of this script,
// tsconfig.base.json, package.json, package-lock.json and the workspaces' package.json), and
// `ensureCompiled` checks them before each use: a file whose size or mtime changed is hashed,
// and a changed hash means a new build. (Files inside node_modules are not checked one by one:
// an install changes package-lock.json.) If no build can be made (esbuild missing, a read-only
// checkout), the caller runs the sources through tsx, as before, and says so on stderr.
//
//   node apps/cli/bin/compiled.mjs          build now when stale (the cli project's build target)
//   node apps/cli/bin/compiled.mjs --check  exit 0 when the build is up to date, 1 when not
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../../..');

/** What is compiled: the CLI and the app of each pipeline step (the names are the output files). */
export const ENTRIES = {
  cli: 'apps/cli/src/main.ts',
  scrape: 'apps/scraper/src/main.ts',
  'lake-write': 'apps/lake-writer/src/main.ts',
  // The lake writer's worker threads start the file of this name beside the step's own
  // (normalize-pool.ts); without it the step normalizes every page on its one thread.
  'normalize-worker': 'apps/lake-writer/src/normalize-worker.ts',
  enrich: 'apps/nlp-enricher/src/main.ts',
  load: 'apps/warehouse-loader/src/main.ts',
};

/**
 * The project to compile: `root`, its `entries` (name → source, relative to root) and `dist`,
 * where builds go (one folder per build, and `current.json` naming the one in use). Tests
 * compile a small project of their own.
 */
function project(opts = {}) {
  const root = opts.root ?? ROOT;
  return { root, entries: opts.entries ?? ENTRIES, dist: opts.dist ?? path.join(root, 'apps/cli/dist') };
}

/** Files that change the build without being bundled themselves. */
async function extraInputs(root) {
  // The lock file: an install that moves or changes a package changes the files imported.
  const files = [path.relative(root, fileURLToPath(import.meta.url)), 'tsconfig.base.json', 'package.json', 'package-lock.json'];
  for (const dir of ['apps', 'libs']) {
    for (const name of await readdir(path.join(root, dir)).catch(() => [])) files.push(path.join(dir, name, 'package.json'));
  }
  return files.filter((f) => existsSync(path.join(root, f)));
}

const sha256 = async (file) => createHash('sha256').update(await readFile(file)).digest('hex');

/**
 * Size, mtime and hash of an input. A file changed after the build started may not be what
 * esbuild read: it gets no hash, so that the next check hashes it, finds a difference and
 * builds again.
 */
async function fingerprint(root, rel, buildStarted) {
  const file = path.join(root, rel);
  const s = await stat(file);
  return { path: rel, size: s.size, mtimeMs: s.mtimeMs, sha256: s.mtimeMs >= buildStarted - 2000 ? null : await sha256(file) };
}

/** The build in use and its manifest, or undefined. */
async function current(p) {
  try {
    const { dir } = JSON.parse(await readFile(path.join(p.dist, 'current.json'), 'utf8'));
    const manifest = JSON.parse(await readFile(path.join(p.dist, dir, 'manifest.json'), 'utf8'));
    return { dir: path.join(p.dist, dir), manifest };
  } catch {
    return undefined;
  }
}

/**
 * Why the build in use is stale (a sentence), or undefined when every input is as it was
 * built from. Only files whose size or mtime moved are read (a checkout that touches files
 * without changing them costs a hash, not a build).
 */
export async function staleness(opts = {}) {
  const p = project(opts);
  const build = await current(p);
  if (!build) return 'no compiled build yet';
  const { manifest } = build;
  if (manifest.root !== p.root) return `built in another folder (${manifest.root})`;
  for (const name of Object.keys(p.entries)) if (!existsSync(path.join(build.dir, `${name}.mjs`))) return `${name}.mjs is missing`;
  for (const input of manifest.inputs) {
    const file = path.join(p.root, input.path);
    let s;
    try {
      s = await stat(file);
    } catch {
      return `${input.path} is gone`;
    }
    if (s.size === input.size && s.mtimeMs === input.mtimeMs && input.sha256) continue;
    if (s.size !== input.size || (await sha256(file)) !== input.sha256) return `${input.path} changed`;
  }
  for (const rel of await extraInputs(p.root)) if (!manifest.inputs.some((i) => i.path === rel)) return `${rel} is new`;
  return undefined;
}

// Spelled so that this file, bundled into the CLI itself (run.ts checks the build before each
// run), does not have its own strings rewritten by the plugin below.
const META_URL = ['import', 'meta', 'url'].join('.');
const META_DIRNAME = ['import', 'meta', 'dirname'].join('.');

/** Replaces `import.meta.url` by the source file's own URL, so that paths found from it hold in the bundle. */
const keepFileUrls = {
  name: 'keep-file-urls',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(META_URL) && !text.includes(META_DIRNAME)) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return {
        contents: text.replaceAll(META_URL, url).replaceAll(META_DIRNAME, JSON.stringify(path.dirname(args.path))),
        loader: /\.[cm]?js$/.test(args.path) ? 'js' : 'ts',
      };
    });
  },
};

/**
 * Packages that stay imports of node_modules at run time instead of being bundled: native
 * addons and what loads them, packages that find files or workers beside their own code
 * (pino's transports, got-scraping's header data), and the heavy ones that the sources load
 * lazily. Everything else from node_modules is bundled: Node then neither resolves nor
 * lexes (CommonJS from ESM) hundreds of small files at each step's start.
 */
const EXTERNAL = [
  '@duckdb/node-bindings',
  '@huggingface/transformers',
  'onnxruntime-node',
  'onnxruntime-common',
  'sharp',
  'pino',
  'pino-pretty',
  'got-scraping',
  '@google-cloud/storage',
  '@google-cloud/bigquery',
  'tsx',
  'esbuild',
];
const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/**
 * An external package is imported as the very file Node would load from the importing file
 * (workspaces may hold their own version of a package: libs/config's yaml is not the root's).
 */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'inner' || !EXTERNAL.includes(packageName(args.path))) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      if (r.errors.length) return { errors: r.errors };
      return { path: r.external ? args.path : r.path, external: true };
    });
  },
};

/** Builds into a fresh folder, then points current.json at it (atomically: a rename). */
export async function build(opts = {}) {
  const p = project(opts);
  const { build: esbuild, version } = await import('esbuild');
  await mkdir(p.dist, { recursive: true });
  const name = `build-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const outdir = path.join(p.dist, name);
  const started = Date.now();
  const result = await esbuild({
    absWorkingDir: p.root,
    entryPoints: Object.fromEntries(Object.entries(p.entries).map(([k, v]) => [k, path.join(p.root, v)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    // Bundled CommonJS packages require Node's built-ins (and the external packages) at run time.
    banner: { js: `import { createRequire as __pulseRequire } from 'node:module'; const require = __pulseRequire(${META_URL});` },
    plugins: [externalPackages, keepFileUrls],
  });
  const bundled = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  const files = [...new Set([...bundled, ...(await extraInputs(p.root))])].sort();
  const inputs = await Promise.all(files.map((f) => fingerprint(p.root, f, started)));
  await writeFile(path.join(outdir, 'manifest.json'), `${JSON.stringify({ esbuild: version, root: p.root, builtAt: new Date().toISOString(), inputs }, null, 1)}\n`);
  const current = path.join(p.dist, 'current.json');
  const tmp = `${current}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ dir: name }));
  await rename(tmp, current);
  await removeOldBuilds(p.dist, name);
  return { dir: outdir };
}

/** Other builds, once unused for a day (a run that started on one may still be forking its steps). */
async function removeOldBuilds(dist, keep) {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const entry of await readdir(dist).catch(() => [])) {
    if (!entry.startsWith('build-') || entry === keep) continue;
    const s = await stat(path.join(dist, entry)).catch(() => undefined);
    if (s && s.mtimeMs < dayAgo) await rm(path.join(dist, entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The folder of an up-to-date build (built now when there is none or it is stale), or
 * undefined with the reason when none can be had: the caller then runs the sources through tsx.
 */
export async function ensureCompiled(opts = {}) {
  const why = await staleness(opts);
  if (!why) {
    const { dir } = await current(project(opts));
    // In use: not one of the old builds that a later build removes after a day.
    const now = new Date();
    await utimes(dir, now, now).catch(() => undefined);
    return { dir };
  }
  try {
    const built = await build(opts);
    return { dir: built.dir, built: why };
  } catch (e) {
    return { error: `${why}, and building failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const why = await staleness();
    process.stdout.write(why ? `stale: ${why}\n` : 'up to date\n');
    process.exitCode = why ? 1 : 0;
  } else {
    const r = await ensureCompiled();
    if (r.error) {
      process.stderr.write(`pulse build: ${r.error}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${r.built ? `built (${r.built})` : 'up to date'}: ${path.relative(ROOT, r.dir)}\n`);
    }
  }
}
