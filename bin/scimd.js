#!/usr/bin/env node
// The scimd command: runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm install` runs through the `prepare` script). No TypeScript loader is involved at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('scimd: dist/main.js is missing; run "npm run build" in the scimd folder first\n');
  process.exit(1);
}
// Stack traces point into src/*.ts through the source maps the build writes next to each file.
process.setSourceMapsEnabled(true);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
