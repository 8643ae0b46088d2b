import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdminHarness, type AdminHarness } from './harness.ts';
import { validate } from './json-schema.ts';

type Operation = { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown>; security: unknown[]; requestBody?: unknown };
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, unknown> };
};

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('the OpenAPI document of the admin API', () => {
  let h: AdminHarness;
  let doc: Document;
  before(async () => {
    h = await createAdminHarness();
    const served = await h.app.request('http://scim.test/api/v1/openapi.json');
    assert.equal(served.status, 200);
    assert.match(served.headers.get('Content-Type') ?? '', /^application\/json/);
    doc = (await served.json()) as Document;
  });
  after(() => h.close());

  it('is an OpenAPI 3.1 document served without authentication', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'sessionCookie']);
  });

  it('describes every route the app registers under /api/v1, and nothing else', () => {
    const registered = h.app.routes
      // The docs page and its assets (api-docs.ts) are a page about the API, not part of it.
      .filter((r) => r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/docs') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)).sort();
    assert.deepEqual(documented, [...new Set(registered)]);
    assert.ok(documented.length >= 35, `${documented.length} operations`);
  });

  it('declares every path parameter, a unique operation id, responses and security for each operation', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const declared = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
        assert.deepEqual(declared, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), where);
        assert.ok(!ids.has(op.operationId), `${where}: duplicate operationId ${op.operationId}`);
        ids.add(op.operationId);
        assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${where}: no success response`);
        assert.ok(op.responses['500'], `${where}: no error response`);
        if (path !== '/openapi.json' && !(path === '/session' && method === 'post')) assert.ok(op.security.length > 0, `${where}: no security`);
        if (path.includes('{orgId}')) assert.ok(op.responses['404'], `${where}: cross-organization 404 not documented`);
      }
    }
  });

  it('resolves every $ref to a component', () => {
    const missing = refsIn(doc).filter((ref) => !doc.components.schemas[ref.replace('#/components/schemas/', '')]);
    assert.deepEqual(missing, []);
  });

  it('uses only JSON Schema the test validator understands, and the validator rejects what the schemas forbid', () => {
    const components = doc.components.schemas;
    for (const [name, schema] of Object.entries(components)) {
      const problems = validate(undefined, schema, components).filter((p) => p.includes('does not support'));
      assert.deepEqual(problems, [], name);
    }
    const key = { $ref: '#/components/schemas/ApiKey' };
    assert.deepEqual(validate({ id: 'k' }, key, components).slice(0, 2), ['$.orgId: required', '$.type: required']);
    assert.ok(validate({ schemas: [], status: '400', detail: 'x', secret: 'leak' }, { $ref: '#/components/schemas/Error' }, components).includes('$.secret: not allowed'));
    assert.deepEqual(validate('2026-03-01T00:00:00.000Z', { $ref: '#/components/schemas/Timestamp' }, components), []);
    assert.deepEqual(validate('yesterday', { $ref: '#/components/schemas/Timestamp' }, components), ['$: does not match the pattern']);
  });
});
