import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError } from '../scim-error.ts';
import { parsePatchRequest } from './patch-request.ts';
import type { PatchRequestOptions } from './patch-request.ts';

interface Case {
  readonly name: string;
  readonly options?: PatchRequestOptions;
  readonly body: unknown;
  readonly expected?: unknown;
  readonly error?: { readonly status: number; readonly scimType?: string; readonly detail: string };
}

const fixtures = JSON.parse(readFileSync(new URL('./patch-request.fixtures.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  errors: Case[];
};

describe('parsePatchRequest', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => assert.deepEqual(parsePatchRequest(c.body, c.options), c.expected));
  }
  for (const c of fixtures.errors) {
    it(c.name, () => {
      assert.throws(
        () => parsePatchRequest(c.body, c.options),
        (error: unknown) => {
          assert.ok(error instanceof ScimError);
          assert.deepEqual({ status: error.status, scimType: error.scimType, detail: error.detail }, { scimType: undefined, ...c.error });
          return true;
        },
      );
    });
  }
});
