import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listResponse } from './list-response.ts';

describe('listResponse', () => {
  it('answers Entra\'s test-connection probe with an empty list of integers', () => {
    assert.deepEqual(listResponse({ resources: [], totalResults: 0, startIndex: 1 }), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('counts itemsPerPage from the resources returned unless told otherwise', () => {
    const page = listResponse({ resources: [{ id: 'a' }, { id: 'b' }], totalResults: 150, startIndex: 101 });
    assert.equal(page.itemsPerPage, 2);
    assert.equal(listResponse({ resources: [], totalResults: 3, startIndex: 1, itemsPerPage: 0 }).itemsPerPage, 0);
  });

  it('carries RFC 9865 cursors and may leave startIndex out on cursor pages', () => {
    assert.deepEqual(listResponse({ resources: [{ id: 'a' }], totalResults: 2, nextCursor: 'n1', previousCursor: 'p0' }), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 2,
      itemsPerPage: 1,
      nextCursor: 'n1',
      previousCursor: 'p0',
      Resources: [{ id: 'a' }],
    });
  });

  it('refuses counts that are not non-negative integers, a programming error', () => {
    assert.throws(() => listResponse({ resources: [], totalResults: -1 }), TypeError);
    assert.throws(() => listResponse({ resources: [], totalResults: 1.5 }), TypeError);
    assert.throws(() => listResponse({ resources: [], totalResults: 0, startIndex: 0 }), TypeError);
  });
});
