import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScimError } from '../scim-error.ts';
import { errorBody } from './error-body.ts';

describe('errorBody', () => {
  it('renders status as a string with the scimType and detail', () => {
    assert.deepEqual(errorBody(new ScimError(409, 'uniqueness', 'userName already exists')), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
      detail: 'userName already exists',
    });
  });

  it('leaves scimType out when the error has none', () => {
    assert.deepEqual(errorBody(new ScimError(404, undefined, 'User "x" not found')), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User "x" not found',
    });
  });
});
