import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIdGenerator } from './ids.ts';

describe('time-ordered ids', () => {
  it('are distinct, strictly increasing UUIDv7 strings, across many refills of the random pool', () => {
    const newId = createIdGenerator(() => 1_700_000_000_000);
    const ids = Array.from({ length: 3000 }, () => newId());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids, 'the same millisecond is ordered by the counter, then the next milliseconds');
    assert.equal(new Set(ids.map((id) => id.slice(19))).size, ids.length, 'the random tails differ');
  });

  it('start with the clock so ids of later milliseconds sort after', () => {
    let now = 1_700_000_000_000;
    const newId = createIdGenerator(() => now);
    const first = newId();
    now += 1;
    assert.ok(newId() > first);
    assert.equal(first.slice(0, 13).replace('-', ''), (1_700_000_000_000).toString(16).padStart(12, '0'));
  });
});
