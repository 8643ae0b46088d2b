import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineAttribute, defineComplex } from './define.ts';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.ts';
import { USER_SCHEMA } from './user.ts';
import { findAttribute } from './resolve.ts';
import { coerceBoolean, coercePrimitive, describeValue, isDateTime } from './coerce-primitive.ts';
import { coerceAttribute, coerceElement, isValueShaped } from './coerce-value.ts';
import { sameJson } from './validate-existing.ts';

const attribute = (name: string) => {
  const found = findAttribute(USER_SCHEMA.attributes, name) ?? findAttribute(ENTERPRISE_USER_SCHEMA.attributes, name);
  assert.ok(found, name);
  return found;
};

describe('coerceBoolean', () => {
  for (const [input, expected] of [[true, true], [false, false], ['True', true], ['False', false], ['true', true], ['false', false], ['TRUE', true]] as const) {
    it(`reads ${JSON.stringify(input)} as ${expected}`, () => assert.equal(coerceBoolean(input, 'active'), expected));
  }
  it('refuses boolean strings when strict', () => {
    assert.throws(() => coerceBoolean('true', 'active', { strict: true }), { status: 400, scimType: 'invalidValue', detail: 'Attribute "active" must be a boolean, got string "true"' });
  });
  it('refuses other strings', () => {
    assert.throws(() => coerceBoolean('1', 'active'), { detail: 'Attribute "active" must be a boolean, got string "1"' });
  });
});

describe('isDateTime', () => {
  const valid = ['2011-08-01T18:29:49.793Z', '2011-08-01T18:29:49Z', '2011-08-01T18:29:49+05:30', '2011-08-01T18:29:49', '2016-12-31T23:59:60Z', '2011-08-01T24:00:00Z'];
  const invalid = ['2011-08-01', '2011-08-01 18:29:49Z', '2011-00-01T00:00:00Z', '2011-01-32T00:00:00Z', '2011-01-01T24:00:01Z', '2011-01-01T12:60:00Z', '2011-01-01T12:00:00+15:00', '2011-01-01T12:00:00+01:60', 'yesterday'];
  for (const text of valid) it(`accepts ${text}`, () => assert.ok(isDateTime(text)));
  for (const text of invalid) it(`rejects ${text}`, () => assert.ok(!isDateTime(text)));
});

describe('coercePrimitive', () => {
  it('checks canonical values case-exactly for a caseExact attribute', () => {
    const kind = defineAttribute('kind', { caseExact: true, canonicalValues: ['User', 'Group'] });
    assert.equal(coercePrimitive('User', kind, 'kind', { enforceCanonicalValues: true }), 'User');
    assert.throws(() => coercePrimitive('user', kind, 'kind', { enforceCanonicalValues: true }), {
      detail: 'Attribute "kind" must be one of "User", "Group", got string "user"',
    });
  });
  it('ignores enforcement for attributes without canonical values', () => {
    assert.equal(coercePrimitive('x', defineAttribute('title'), 'title', { enforceCanonicalValues: true }), 'x');
  });
  it('refuses infinite decimals and a simple value for a complex attribute', () => {
    assert.throws(() => coercePrimitive(Infinity, defineAttribute('score', { type: 'decimal' }), 'score'), { detail: 'Attribute "score" must be a number, got number Infinity' });
    assert.throws(() => coercePrimitive('x', attribute('name'), 'name'), { detail: 'Attribute "name" must be a complex object, got string "x"' });
  });
  it('shortens long strings in error details', () => {
    assert.equal(describeValue('a'.repeat(50)), `string "${'a'.repeat(40)}…"`);
    assert.equal(describeValue(null), 'null');
  });
});

describe('coerceAttribute and coerceElement, the helpers the PATCH engine reuses', () => {
  it('reads a string manager as { value } for a PATCH add', () => {
    assert.deepEqual(coerceAttribute('2c2f', attribute('manager'), 'manager'), { value: '2c2f' });
  });
  it('coerces one element of a multi-valued attribute on its own', () => {
    assert.deepEqual(coerceElement({ value: 'a@b.c', primary: 'True', Type: 'work' }, attribute('emails'), 'emails'), {
      value: 'a@b.c', primary: true, type: 'work',
    });
    assert.equal(coerceElement(null, attribute('emails'), 'emails'), undefined);
  });
  it('treats null, an empty array and an empty object as unassigned', () => {
    assert.equal(coerceAttribute(null, attribute('emails'), 'emails'), undefined);
    assert.equal(coerceAttribute([], attribute('emails'), 'emails'), undefined);
    assert.equal(coerceAttribute({}, attribute('name'), 'name'), undefined);
    assert.equal(coerceAttribute([{}, null], attribute('emails'), 'emails'), undefined);
  });
  it('wraps a single simple value for a multi-valued simple attribute and refuses it when strict', () => {
    const tags = defineAttribute('tags', { multiValued: true });
    assert.deepEqual(coerceAttribute('a', tags, 'tags'), ['a']);
    assert.throws(() => coerceAttribute('a', tags, 'tags', { strict: true }), { detail: 'Attribute "tags" must be an array of string values, got string "a"' });
  });
  it('rejects a bare value for a complex attribute without a value sub-attribute', () => {
    const name = attribute('name');
    assert.equal(isValueShaped(name), false);
    assert.throws(() => coerceAttribute(true, name, 'name'), { detail: 'Attribute "name" must be a complex object, got boolean true' });
  });
  it('rejects a multi-valued sub-attribute given the wrong type inside', () => {
    const parent = defineComplex('badges', [defineAttribute('codes', { multiValued: true, type: 'integer' })]);
    assert.deepEqual(coerceAttribute({ codes: [1, 2] }, parent, 'badges'), { codes: [1, 2] });
    assert.throws(() => coerceAttribute({ codes: [1, 'x'] }, parent, 'badges'), { detail: 'Attribute "badges.codes[1]" must be an integer, got string "x"' });
  });
  it('never mutates its input', () => {
    const input = [{ value: 'a', primary: 'true', display: null }];
    const copy = structuredClone(input);
    coerceAttribute(input, attribute('emails'), 'emails');
    assert.deepEqual(input, copy);
  });
});

describe('sameJson', () => {
  it('compares JSON values deeply, ignoring key order', () => {
    assert.ok(sameJson({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] }));
    assert.ok(!sameJson([1, 2], [2, 1]));
    assert.ok(!sameJson([1], { 0: 1 }));
    assert.ok(!sameJson({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!sameJson({ a: 1 }, { b: 1 }));
    assert.ok(!sameJson('1', 1));
  });
});
