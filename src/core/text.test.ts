import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkStoredText, findUnstorable, MAX_INDEXED_VALUE_BYTES, toStorableJson, toStorableText, unstorableReason, utf8Length, valueLimitOf } from './text.ts';
import { isScimError } from './scim-error.ts';

describe('text scimd stores', () => {
  it('names NUL characters and lone surrogates, and accepts surrogate pairs', () => {
    assert.equal(unstorableReason('plain é 😀'), undefined);
    assert.equal(unstorableReason('a\u0000b'), 'a NUL character (U+0000)');
    assert.equal(unstorableReason('a\ud800b'), 'a lone UTF-16 surrogate (U+D800)');
    assert.equal(unstorableReason('\udfff'), 'a lone UTF-16 surrogate (U+DFFF)');
    assert.equal(unstorableReason('\ud83d'), 'a lone UTF-16 surrogate (U+D83D)');
  });

  it('counts UTF-8 bytes as PostgreSQL stores them', () => {
    assert.deepEqual(['a', 'é', '€', '😀', '\ud800'].map(utf8Length), [1, 2, 3, 4, 3]);
    assert.equal(utf8Length('x'.repeat(10)), Buffer.byteLength('x'.repeat(10)));
  });

  it('applies the indexed limit to the attributes kept in indexed columns only', () => {
    for (const path of ['userName', 'displayName', 'externalId', 'name.givenName', 'emails[0].value', 'phoneNumbers[2].type', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value']) {
      assert.equal(valueLimitOf(path), MAX_INDEXED_VALUE_BYTES, path);
    }
    for (const path of ['title', 'name.formatted', 'addresses[0].streetAddress', 'nickName']) assert.notEqual(valueLimitOf(path), MAX_INDEXED_VALUE_BYTES, path);
  });

  it('throws 400 invalidValue naming the attribute', () => {
    assert.doesNotThrow(() => checkStoredText('é'.repeat(1024), 'displayName'));
    for (const [text, pattern] of [['é'.repeat(1025), /"displayName" is 2050 bytes long; at most 2048/], ['a\u0000', /"displayName" contains a NUL/]] as const) {
      assert.throws(() => checkStoredText(text, 'displayName'), (e: unknown) => isScimError(e) && e.status === 400 && e.scimType === 'invalidValue' && pattern.test(e.detail));
    }
  });

  it('finds the first unstorable string or key with its JSON path, and refuses deep nesting', () => {
    assert.deepEqual(findUnstorable({ a: [1, { b: 'x\u0000' }] }), { path: 'a[1].b', reason: 'a NUL character (U+0000)' });
    assert.deepEqual(findUnstorable({ ['k\ud800']: 1 }), { path: 'k\ud800', reason: 'a lone UTF-16 surrogate (U+D800)' });
    assert.equal(findUnstorable({ a: ['fine', 1, null, true] }), undefined);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = [deep];
    assert.match(findUnstorable(deep)?.reason ?? '', /nesting deeper than 64/);
  });

  it('replaces what cannot be stored with U+FFFD for samples and logs', () => {
    assert.equal(toStorableText('a\u0000b\ud800c😀'), 'a\uFFFDb\uFFFDc😀');
    assert.deepEqual(toStorableJson({ 'k\u0000': ['v\udfff', 2] }), { 'k\uFFFD': ['v\uFFFD', 2] });
  });
});
