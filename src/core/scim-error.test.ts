import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScimError, SCIM_TYPES, isScimError, isScimType, badRequest } from './scim-error.ts';

describe('ScimError', () => {
  it('carries status, scimType and detail', () => {
    const error = new ScimError(409, 'uniqueness', 'userName "a@b.c" already exists');
    assert.equal(error.status, 409);
    assert.equal(error.scimType, 'uniqueness');
    assert.equal(error.detail, 'userName "a@b.c" already exists');
    assert.equal(error.message, error.detail);
    assert.ok(isScimError(error));
    assert.ok(error instanceof Error);
  });

  it('accepts every scimType with the status RFC 7644 Table 9 gives it', () => {
    const expected: Record<string, number> = { uniqueness: 409, sensitive: 403 };
    for (const type of SCIM_TYPES) {
      const status = expected[type] ?? 400;
      assert.equal(new ScimError(status, type, 'x').status, status);
    }
  });

  it('rejects a scimType paired with the wrong status', () => {
    assert.throws(() => new ScimError(400, 'uniqueness', 'x'), /requires status 409/);
    assert.throws(() => new ScimError(409, 'invalidFilter', 'x'), /requires status 400/);
    assert.throws(() => new ScimError(400, 'sensitive', 'x'), /requires status 403/);
  });

  it('rejects statuses that are not errors', () => {
    assert.throws(() => new ScimError(200, undefined, 'x'), TypeError);
    assert.throws(() => new ScimError(404.5, undefined, 'x'), TypeError);
    assert.equal(new ScimError(404, undefined, 'gone').scimType, undefined);
  });

  it('recognises scimType keywords and builds 400s', () => {
    assert.ok(isScimType('noTarget'));
    assert.ok(!isScimType('notAType'));
    assert.ok(!isScimType(7));
    const error = badRequest('invalidPath', 'bad path');
    assert.equal(error.status, 400);
    assert.equal(error.scimType, 'invalidPath');
    assert.ok(!isScimError(new Error('plain')));
  });
});
