import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffResources, sameJson } from './changes.ts';

describe('sameJson', () => {
  it('answers as comparing the JSON.stringify texts would, for JSON data and its edge cases', () => {
    const values: unknown[] = [
      null, true, false, 0, -0, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', 'a', '1',
      [], [1], [1, 2], [2, 1], [null], [undefined], [Number.NaN], [[1]], [{ a: 1 }],
      {}, { a: 1 }, { a: 1, b: 2 }, { b: 2, a: 1 }, { a: undefined }, { a: 1, b: undefined }, { a: null },
      { a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] }, { a: { b: { c: 1 } } }, { a: { b: { c: 2 } } },
      { value: 'x', primary: true }, { primary: true, value: 'x' },
    ];
    for (const a of values) {
      for (const b of values) assert.equal(sameJson(a, b), JSON.stringify(a) === JSON.stringify(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });

  it('lists the attributes a write changed, with member order counting as a change', () => {
    const before = { id: '1', userName: 'a', emails: [{ value: 'a@x', primary: true }], name: { givenName: 'A' }, meta: { version: 1 } };
    const after = { id: '1', userName: 'a', emails: [{ primary: true, value: 'a@x' }], name: { givenName: 'A' }, title: 'T', meta: { version: 2 } };
    assert.deepEqual(diffResources(before, after).changed, ['emails', 'title']);
  });
});
