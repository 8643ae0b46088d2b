/**
 * The admin API's browsable page at /api/v1/docs: the page, Swagger UI's script and stylesheet
 * (from the swagger-ui-dist package, served here), the start-up script pointing at the OpenAPI
 * document, and a Content-Security-Policy that allows nothing from another origin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_DOCS_CSP } from '../../../src/http/admin/api-docs.ts';
import { createAdminHarness, type AdminHarness } from './harness.ts';

describe('the admin API docs page', () => {
  let h: AdminHarness;
  before(async () => {
    h = await createAdminHarness();
  });
  after(() => h.close());
  const get = (path: string) => h.app.request(`http://scim.test${path}`);

  it('serves an HTML page without authentication, under a same-origin-only CSP', async () => {
    const res = await get('/api/v1/docs');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Content-Type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('Content-Security-Policy'), API_DOCS_CSP);
    assert.match(API_DOCS_CSP, /default-src 'none'/);
    assert.match(API_DOCS_CSP, /script-src 'self'(;|$)/, 'no inline or remote scripts');
    const html = await res.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN or other origin');
    assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
    const referenced = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(referenced.sort(), [
      '/api/v1/docs/assets/favicon-32x32.png',
      '/api/v1/docs/assets/start.js',
      '/api/v1/docs/assets/swagger-ui-bundle.js',
      '/api/v1/docs/assets/swagger-ui.css',
    ]);
  });

  it('serves every asset the page references, with its media type', async () => {
    const html = await (await get('/api/v1/docs')).text();
    for (const [, path] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const res = await get(path!);
      assert.equal(res.status, 200, path);
      const type = res.headers.get('Content-Type') ?? '';
      if (path!.endsWith('.js')) assert.match(type, /^text\/javascript/, path);
      if (path!.endsWith('.css')) assert.match(type, /^text\/css/, path);
      assert.ok((await res.arrayBuffer()).byteLength > 0, path);
    }
    const bundle = await (await get('/api/v1/docs/assets/swagger-ui-bundle.js')).text();
    assert.ok(bundle.includes('SwaggerUIBundle'), 'the real Swagger UI bundle');
  });

  it('starts Swagger UI on the OpenAPI document, which loads', async () => {
    const start = await (await get('/api/v1/docs/assets/start.js')).text();
    assert.match(start, /url: "\/api\/v1\/openapi\.json"/);
    assert.equal((await get('/api/v1/openapi.json')).status, 200);
  });

  it('serves no other file of the package', async () => {
    for (const name of ['package.json', 'index.html', '..%2F..%2Fpackage.json']) {
      assert.equal((await get(`/api/v1/docs/assets/${name}`)).status, 404, name);
    }
  });
});
