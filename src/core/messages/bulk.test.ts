import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError } from '../scim-error.ts';
import { bulkResponse, parseBulkRequest } from './bulk.ts';
import type { BulkLimits } from './bulk.ts';
import { errorBody } from './error-body.ts';

interface Case {
  readonly name: string;
  readonly limits?: BulkLimits;
  readonly body: unknown;
  readonly expected?: unknown;
  readonly error?: { readonly status: number; readonly scimType?: string; readonly detail: string };
}

const fixtures = JSON.parse(readFileSync(new URL('./bulk.fixtures.json', import.meta.url), 'utf8')) as {
  limits: BulkLimits;
  cases: Case[];
  errors: Case[];
};

describe('parseBulkRequest', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => assert.deepEqual(parseBulkRequest(c.body, c.limits ?? fixtures.limits), c.expected));
  }
  for (const c of fixtures.errors) {
    it(c.name, () => {
      assert.throws(
        () => parseBulkRequest(c.body, c.limits ?? fixtures.limits),
        (error: unknown) => {
          assert.ok(error instanceof ScimError);
          assert.deepEqual({ status: error.status, scimType: error.scimType, detail: error.detail }, { scimType: undefined, ...c.error });
          return true;
        },
      );
    });
  }
});

describe('bulkResponse', () => {
  it('renders each result with a string status and only the members it has', () => {
    const failure = errorBody(new ScimError(409, 'uniqueness', 'userName "Alice" already exists'));
    assert.deepEqual(
      bulkResponse([
        { method: 'POST', bulkId: 'qwerty', version: 'W/"1"', location: 'https://x/scim/v2/Users/92b725cd', status: 201 },
        { method: 'POST', bulkId: 'ytrewq', status: 409, response: failure },
        { method: 'DELETE', status: 204 },
      ]),
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
        Operations: [
          { method: 'POST', bulkId: 'qwerty', version: 'W/"1"', location: 'https://x/scim/v2/Users/92b725cd', status: '201' },
          {
            method: 'POST',
            bulkId: 'ytrewq',
            status: '409',
            response: {
              schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
              status: '409',
              scimType: 'uniqueness',
              detail: 'userName "Alice" already exists',
            },
          },
          { method: 'DELETE', status: '204' },
        ],
      },
    );
  });
});
