/**
 * Every error path of the SCIM API as a table (errors.fixtures.json): each case asserts the status,
 * the SCIM Error schema, the scimType (or its absence) and that the detail says something useful.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHarness, type Harness } from './harness.ts';

interface ErrorCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly token?: string | null;
  readonly requestHeaders?: Record<string, string>;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly status: number;
  readonly scimType?: string;
  readonly detail: string;
  readonly headers?: Record<string, string>;
}

const cases = JSON.parse(readFileSync(new URL('./errors.fixtures.json', import.meta.url), 'utf8')) as ErrorCase[];
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

let h: Harness;
const values: Record<string, unknown> = {};

function fill(text: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));
}

before(async () => {
  h = await createHarness();
  const user = await h.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'existing@example.com' } });
  const group = await h.call('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Existing' } });
  values['userId'] = user.json.id;
  values['groupId'] = group.json.id;
  values['unknownKey'] = `scimd_00000000_${'A'.repeat(43)}`;
  values['longFilter'] = encodeURIComponent(`userName eq "${'x'.repeat(600)}"`);
  values['deepFilter'] = encodeURIComponent(`${'('.repeat(12)}userName eq "x"${')'.repeat(12)}`);
  const op = { method: 'DELETE', path: '/Users/x' };
  values['tooManyBulkOps'] = { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: Array.from({ length: 21 }, () => op) };
  values['hugeBody'] = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [], pad: 'x'.repeat(70_000) });
});
after(() => h.close());

describe('SCIM error responses', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const body = c.body === '{{tooManyBulkOps}}' ? values['tooManyBulkOps'] : c.body;
      const result = await h.call(c.method, fill(c.path), {
        ...(c.token === undefined ? {} : { token: c.token === null ? null : fill(c.token) }),
        ...(c.requestHeaders ? { headers: c.requestHeaders } : {}),
        ...(body === undefined ? {} : { body }),
        ...(c.rawBody === undefined ? {} : { rawBody: fill(c.rawBody) }),
      });
      assert.equal(result.status, c.status, result.text);
      assert.equal(result.headers.get('content-type'), 'application/scim+json; charset=utf-8');
      assert.deepEqual(result.json.schemas, [ERROR]);
      assert.equal(result.json.status, String(c.status));
      assert.equal(result.json.scimType, c.scimType);
      assert.ok(result.json.detail.includes(c.detail), `detail "${result.json.detail}" should mention "${c.detail}"`);
      for (const [name, value] of Object.entries(c.headers ?? {})) assert.equal(result.headers.get(name), value);
    });
  }
});
