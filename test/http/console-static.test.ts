import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { CONSOLE_CSP, registerConsole, resolveConsoleFile } from '../../src/http/console.ts';
import type { AppEnv } from '../../src/http/env.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('the console static handler', () => {
  let root: string;
  let app: Hono<AppEnv>;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'scimd-console-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(tmpdir(), 'scimd-console-secret.txt'), 'outside');
    app = new Hono<AppEnv>();
    registerConsole(app, { root });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('serves index.html at /console with no-cache and the security headers', async () => {
    for (const path of ['/console', '/console/']) {
      const res = await app.request(path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('Cache-Control'), 'no-cache');
      assert.match(res.headers.get('Content-Type') ?? '', /^text\/html/);
      assert.equal(res.headers.get('Content-Security-Policy'), CONSOLE_CSP);
      assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
      assert.equal(res.headers.get('X-Frame-Options'), 'DENY');
      assert.equal(res.headers.get('Referrer-Policy'), 'no-referrer');
      assert.equal(await res.text(), INDEX);
    }
  });

  it('allows no inline script or style in its Content-Security-Policy', () => {
    assert.match(CONSOLE_CSP, /default-src 'self'/);
    assert.match(CONSOLE_CSP, /script-src 'self'(;|$)/);
    assert.match(CONSOLE_CSP, /style-src 'self'(;|$)/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval/);
  });

  it('answers deep links with index.html so the client-side router can take over', async () => {
    const res = await app.request('/console/orgs/org_1/users/u_2');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Cache-Control'), 'no-cache');
    assert.equal(await res.text(), INDEX);
  });

  it('serves hashed assets as immutable, gzip-compressed when asked', async () => {
    const plain = await app.request('/console/assets/index-abc123.js');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('Cache-Control'), 'public, max-age=31536000, immutable');
    assert.match(plain.headers.get('Content-Type') ?? '', /^text\/javascript/);
    assert.equal(await plain.text(), SCRIPT);
    const gzip = await app.request('/console/assets/index-abc123.js', { headers: { 'Accept-Encoding': 'gzip, br' } });
    assert.equal(gzip.headers.get('Content-Encoding'), 'gzip');
    assert.equal(gzip.headers.get('Vary'), 'Accept-Encoding');
    assert.equal(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString(), SCRIPT);
  });

  it('revalidates unhashed files and answers 404 for a missing asset instead of the page', async () => {
    const icon = await app.request('/console/favicon.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('Cache-Control'), 'no-cache');
    const missing = await app.request('/console/assets/gone-999.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('Content-Security-Policy'), CONSOLE_CSP);
  });

  it('never serves a file outside its folder', async () => {
    assert.equal(resolveConsoleFile(root, '/console/../scimd-console-secret.txt'), undefined);
    assert.equal(resolveConsoleFile(root, '/console/%2e%2e/scimd-console-secret.txt'), undefined);
    assert.equal(resolveConsoleFile(root, '/console/a%00b.js'), undefined);
    const res = await app.request('/console/%2e%2e/scimd-console-secret.txt');
    assert.equal(res.status, 404);
  });

  it('says how to build the console when it has not been built', async () => {
    const bare = new Hono<AppEnv>();
    registerConsole(bare, { root: join(root, 'nothing-here') });
    const res = await bare.request('/console/');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:console/);
  });
});
