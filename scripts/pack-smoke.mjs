#!/usr/bin/env node
// The packed package works on its own: `npm pack` this folder, install the tarball into an empty
// temporary folder (dependencies from the registry, native ones built there), start it with
// `npx scimd serve` on a fresh SQLite database, wait for the Tenant URL line, and require 200 from
// /readyz and the admin API docs page. Run by .ci/run; by hand: `node scripts/pack-smoke.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'scimd-pack-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  console.log(`pack-smoke: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SCARF_ANALYTICS: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function serve(cwd) {
  const child = spawn('npx', ['--no-install', 'scimd', 'serve'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? work, PORT: '0', DATA_DIR: join(cwd, 'data'), LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: npx runs scimd as a grandchild, and the whole group is stopped at the end.
    detached: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "Tenant URL:" line within 60 s')), 60_000);
    child.on('exit', (code) => reject(new Error(`scimd serve exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(`  | ${line}`);
      const match = /^Tenant URL: (\S+)\/scim\/v2$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ child, origin: match[1] });
      }
    });
  });
}

let server;
try {
  run(npm, ['pack', '--pack-destination', work, '--silent'], root);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scimd-pack-smoke', private: true }, null, 2));
  run(npm, ['install', '--no-audit', '--no-fund', '--omit=dev', join(work, tarball)], app);
  // `serve` loads the bundled server when the package has it (the fast start); it must ship.
  if (!existsSync(join(app, 'node_modules/scimd/dist/runtime.bundle.js'))) throw new Error('the package has no dist/runtime.bundle.js');
  const started = Date.now();
  server = await serve(app);
  console.log(`pack-smoke: listening after ${Date.now() - started} ms at ${server.origin}`);
  for (const path of ['/readyz', '/api/v1/docs']) {
    const response = await globalThis.fetch(`${server.origin}${path}`);
    console.log(`pack-smoke: GET ${path} → ${response.status}`);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  }
  console.log('pack-smoke: ok');
} catch (error) {
  console.error(`pack-smoke: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  if (server) {
    server.child.removeAllListeners('exit');
    const exited = server.child.exitCode !== null || server.child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => server.child.once('exit', resolve));
    try {
      process.kill(-server.child.pid, 'SIGTERM');
    } catch {
      // The group is already gone.
    }
    // Never hang CI on a child that does not report its exit: give up waiting after 10 s.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // Stopped by SIGTERM, as it should be.
    }
  }
  rmSync(work, { recursive: true, force: true });
}
