#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner.
// Node 20's --test neither expands globs nor finds .ts files in a folder (it silently runs zero
// tests), so the file list is built here and an empty list is a failure.
// Coverage of src/core is measured with c8 and must stay at or above 95 % of lines.
// Tests under test/e2e spawn bin/scimd.js, which runs the compiled dist/: it is rebuilt first when
// a source changed since the last build (a no-op costing one mtime scan otherwise).
// Every log line the test servers write is collected in a temporary SCIMD_TEST_LOG_DIR
// (test/log-capture.ts) and searched afterwards for the secrets the tests used
// (scripts/check-test-logs.mjs); a line holding one fails the run.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const roots = only ? [only] : ['src', 'test'];
const files = roots.flatMap((r) => walk(join(root, r), [])).sort();
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files found under ' + roots.join(', '));
  process.exit(1);
}

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const c8 = [
  join(root, 'node_modules/c8/bin/c8.js'),
  '--include=src/core/**/*.ts',
  '--exclude=src/core/**/*.test.ts',
  '--exclude=src/core/**/types.ts',
  '--all',
  '--extension=.ts',
  '--reporter=text-summary',
  '--check-coverage',
  '--lines=95',
];
const node = [process.execPath, '--import', 'tsx', '--test', '--test-reporter=spec', ...files];
const logDir = mkdtempSync(join(tmpdir(), 'scimd-test-logs-'));
const result = spawnSync(process.execPath, [...c8, ...node], { stdio: 'inherit', cwd: root, env: { ...process.env, SCIMD_TEST_LOG_DIR: logDir } });
// The whole run (not --only src/core, whose tests start no server) must have collected lines.
const check = spawnSync(process.execPath, [join(root, 'scripts/check-test-logs.mjs'), logDir, ...(only ? [] : ['--require-lines'])], { stdio: 'inherit', cwd: root });
if (check.status === 0) rmSync(logDir, { recursive: true, force: true });
else console.error(`run-tests: the collected log lines are kept in ${logDir}`);
process.exit(result.status === 0 ? (check.status ?? 1) : (result.status ?? 1));
