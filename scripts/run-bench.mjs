#!/usr/bin/env node
// Runs every bench/*.bench.ts (or the files named on the command line) one after another.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
// `side-by-side` names bench/side-by-side.ts (scimd, the SCIMMY peer and bare node:http in one table).
const named = process.argv.slice(2).map((a) => (a === 'side-by-side' ? 'bench/side-by-side.ts' : a));
const files = named.length > 0
  ? named
  : readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort().map((f) => join('bench', f));
if (files.length === 0) {
  console.error('run-bench: no bench/*.bench.ts files');
  process.exit(1);
}
// The HTTP benches spawn bin/scimd.js, which runs the compiled dist/.
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const file of files) {
  console.log(`\n## ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
