#!/usr/bin/env node
// Searches the log lines a test run collected (test/log-capture.ts, SCIMD_TEST_LOG_DIR) for secrets:
// every secret the harnesses recorded (tokens they created, passwords they sent) and anything
// shaped like a scimd credential (API keys, session and setup-link tokens, webhook secrets), even
// one no harness recorded. Prints each offending line with the process it came from and exits 1.
//
//   node scripts/check-test-logs.mjs <dir> [--require-lines]
//
// --require-lines fails when nothing was collected (the capture itself would be broken).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** scimd's generated credentials: scimd_<8 hex>_<43>, scimd_session_…, scimd_setup_…, whsec_<base64>. */
const SHAPES = [
  /scimd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/,
  /scimd_(?:session|setup)_[A-Za-z0-9_-]{20,}/,
  /whsec_[A-Za-z0-9+/]{20,}/,
];
const MAX_REPORTED = 20;

const [dir, ...flags] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: node scripts/check-test-logs.mjs <dir> [--require-lines]');
  process.exit(2);
}
const names = readdirSync(dir);
const secrets = new Set();
for (const name of names.filter((n) => n.endsWith('.secrets'))) {
  for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) if (line !== '') secrets.add(JSON.parse(line));
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Longest first, so the alternation reports the whole secret where one contains another.
const recorded = secrets.size === 0 ? undefined : new RegExp([...secrets].sort((a, b) => b.length - a.length).map(escape).join('|'));

let lineCount = 0;
const leaks = [];
for (const name of names.filter((n) => n.endsWith('.log'))) {
  for (const entry of readFileSync(join(dir, name), 'utf8').split('\n')) {
    if (entry === '') continue;
    lineCount += 1;
    const found = recorded?.exec(entry)?.[0] ?? SHAPES.map((shape) => shape.exec(entry)?.[0]).find((m) => m !== undefined);
    if (found !== undefined) leaks.push({ file: name, found, entry });
  }
}

const processes = names.filter((n) => n.endsWith('.log')).length;
if (leaks.length > 0) {
  console.error(`log check: ${leaks.length} log line(s) hold a secret (of ${lineCount} lines from ${processes} test processes):`);
  for (const { file, found, entry } of leaks.slice(0, MAX_REPORTED)) {
    console.error(`  ${file}: secret ${JSON.stringify(found.slice(0, 12))}… in: ${entry.slice(0, 500)}`);
  }
  process.exit(1);
}
if (flags.includes('--require-lines') && lineCount === 0) {
  console.error(`log check: no log lines were collected in ${dir}; the capture (test/log-capture.ts) is broken`);
  process.exit(1);
}
console.log(`log check: ${lineCount} log lines from ${processes} test processes, ${secrets.size} recorded secrets and every scimd token shape searched: none found`);
