import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bulkTargetOf, executionOrder, referencedBulkIds, substituteBulkIds } from './bulk-references.ts';
import type { BulkOperationRequest } from './bulk.ts';

const post = (bulkId: string, data: unknown = {}): BulkOperationRequest => ({ method: 'POST', bulkId, path: '/Groups', data });

describe('bulkId references', () => {
  it('finds references in the path and anywhere in the data', () => {
    const op: BulkOperationRequest = { method: 'PATCH', path: '/Groups/bulkId:g1', data: { Operations: [{ value: [{ value: 'bulkId:u1' }] }] } };
    assert.deepEqual([...referencedBulkIds(op)].sort(), ['g1', 'u1']);
  });

  it('runs an operation after the POST it refers to, and reports a cycle', () => {
    const ops = [post('g', { members: [{ value: 'bulkId:u' }] }), post('u'), post('a', { ref: 'bulkId:b' }), post('b', { ref: 'bulkId:a' })];
    assert.deepEqual(executionOrder(ops), { order: [1, 0], circular: [2, 3] });
  });

  it('substitutes created ids and refuses a reference to nothing created', () => {
    const ids = new Map([['u', 'id-1']]);
    assert.deepEqual(substituteBulkIds({ members: [{ value: 'bulkId:u' }], note: 'bulkId' }, ids), { members: [{ value: 'id-1' }], note: 'bulkId' });
    assert.throws(() => substituteBulkIds('bulkId:x', ids), /"bulkId:x" does not name a resource created earlier/);
  });

  it('reads the target of a path, with the id substituted', () => {
    assert.deepEqual(bulkTargetOf({ method: 'DELETE', path: '/users/bulkId:u' }, new Map([['u', 'id-1']])), { type: 'User', id: 'id-1' });
    assert.deepEqual(bulkTargetOf(post('g'), new Map()), { type: 'Group' });
    assert.throws(() => bulkTargetOf({ method: 'PUT', path: '/Users', data: {} }, new Map()), /PUT needs a resource id/);
    assert.throws(() => bulkTargetOf({ method: 'POST', bulkId: 'x', path: '/Things', data: {} }, new Map()), /must be \/Users, \/Groups/);
  });
});
