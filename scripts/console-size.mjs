#!/usr/bin/env node
// Measures the console's first load after `vite build`: every script and stylesheet index.html
// references, gzip-compressed the way scimd serves them (zlib's default level). Fails above the
// budget of 200 KB, so a heavy dependency cannot slip in unnoticed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 200 * 1024;
const dist = new URL('../console/dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const assets = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
if (assets.length === 0) {
  console.error('console-size: index.html references no script or stylesheet');
  process.exit(1);
}
let raw = 0;
let gzip = 0;
for (const asset of ['index.html', ...assets]) {
  const body = readFileSync(join(dist, asset));
  const zipped = gzipSync(body).length;
  raw += body.length;
  gzip += zipped;
  console.log(`  ${asset.padEnd(36)} ${(body.length / 1024).toFixed(1).padStart(7)} KB  ${(zipped / 1024).toFixed(1).padStart(6)} KB gzip`);
}
const verdict = gzip <= BUDGET ? 'within' : 'OVER';
console.log(`console first load: ${(raw / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzip (${verdict} the ${BUDGET / 1024} KB budget)`);
if (gzip > BUDGET) process.exit(1);
