#!/usr/bin/env node
// Compiles src/ to dist/ with tsc (tsconfig.build.json), bundles the server (src/runtime.ts and
// what it imports, Kysely, Hono and zod included) into dist/runtime.bundle.js with esbuild, and
// stamps the result. The bundle is what `scimd serve` loads (src/main.ts): one module to read
// instead of ~700, which is most of the start-up time (docs/benchmarks.md, "Startup").
//   node scripts/build.mjs             incremental build
//   node scripts/build.mjs --clean     remove dist/ first (what `npm install` runs via `prepare`)
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
// Test runs use --if-stale so that `npm test` and a test file spawning bin/scimd.js always run
// the code as it is in src/, at the cost of one quick mtime scan when nothing changed. A lock
// directory keeps two test processes from compiling into dist/ at the same time.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const lock = join(root, '.build-lock');
const args = new Set(process.argv.slice(2));

function newestSource(dir, newest = 0) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) newest = newestSource(path, newest);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const configs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs);
  return Math.max(newestSource(join(root, 'src')), ...configs) > built;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the lock directory (a stale one older than two minutes is broken); returns the release function. */
function acquire() {
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      sleep(100);
    }
  }
}

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // An install without devDependencies (npm ci --omit=dev) keeps the dist/ it already has.
    if (existsSync(stamp)) {
      console.error('build: typescript is not installed; keeping the existing dist/');
      process.exit(0);
    }
    console.error('build: typescript is not installed (a devDependency); run "npm install" first');
    process.exit(1);
  }
}

/**
 * Packages the bundle leaves to Node: native addons, the ones loaded on demand (pg, nodemailer,
 * ldapts, swagger-ui-dist's files), pino, whose transports load by module name in a worker, and
 * undici (the webhook sender's transport: ~1 MB that both bundles would carry, with its llhttp
 * WebAssembly inlined, for one import the package resolves from node_modules as it is).
 */
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'pg', 'nodemailer', 'ldapts', 'pino', 'pino-pretty', 'swagger-ui-dist', 'undici'];

async function bundle() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // Without esbuild (a production-only install) `scimd serve` loads dist/runtime.js unbundled.
    console.error('build: esbuild is not installed; dist/runtime.bundle.js not written (the server starts unbundled)');
    for (const name of ['runtime', 'delivery-thread-entry']) rmSync(join(dist, `${name}.bundle.js`), { force: true });
    return;
  }
  // The server, and the webhook delivery thread it starts (src/delivery-thread.ts looks for its
  // bundle next to its own module). Both next to dist/runtime.js, so that
  // `new URL('../console/dist', import.meta.url)` means the same.
  for (const name of ['runtime', 'delivery-thread-entry']) await bundleOne(esbuild, name);
}

async function bundleOne(esbuild, name) {
  await esbuild.build({
    entryPoints: [join(root, `src/${name}.ts`)],
    outfile: join(dist, `${name}.bundle.js`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Stack traces point into src/*.ts (bin/scimd.js enables source maps); without the sources'
    // text the map is a quarter of the size, and Node parses it when the bundle loads.
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
}

function compile() {
  const tsc = tscPath();
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error('build: tsc failed');
    process.exit(result.status ?? 1);
  }
  mkdirSync(dist, { recursive: true });
}

if (args.has('--if-stale') && !isStale()) process.exit(0);
const release = acquire();
try {
  // Another process may have built while this one waited for the lock.
  if (!args.has('--if-stale') || isStale()) {
    if (args.has('--clean')) rmSync(dist, { recursive: true, force: true });
    compile();
    await bundle();
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
} finally {
  release();
}
