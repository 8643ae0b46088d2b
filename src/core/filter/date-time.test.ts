import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDateTime } from './date-time.ts';

describe('parseDateTime', () => {
  it('reads xsd:dateTime values with and without offsets and fractions as instants', () => {
    assert.equal(parseDateTime('2011-05-13T04:42:34Z'), Date.UTC(2011, 4, 13, 4, 42, 34));
    assert.equal(parseDateTime('2011-05-13T06:42:34+02:00'), Date.UTC(2011, 4, 13, 4, 42, 34));
    assert.equal(parseDateTime('2011-05-13T04:42:34.5-01:30'), Date.UTC(2011, 4, 13, 6, 12, 34, 500));
    assert.equal(parseDateTime('2011-05-13T04:42:34'), Date.UTC(2011, 4, 13, 4, 42, 34));
    assert.equal(parseDateTime('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  });

  it('refuses text that is not an xsd:dateTime', () => {
    for (const text of ['yesterday', '2011-05-13', '2011-02-30T00:00:00Z', '2011-13-01T00:00:00Z', '2011-05-13T24:00:00Z',
      '2011-05-13T04:60:00Z', '2011-05-13T04:42:34+24:00', '2011-05-13T04:42:34+02:60', '2023-02-29T00:00:00Z', ' 2011-05-13T04:42:34Z']) {
      assert.equal(parseDateTime(text), undefined, text);
    }
  });
});
