import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, attributePath, compare, not, or, present, valuePath } from './nodes.ts';
import { parseFilter } from './parser.ts';
import { printFilter, printValue } from './printer.ts';

const canonical: readonly (readonly [string, string])[] = [
  ['UserName EQ "bjensen"', 'UserName eq "bjensen"'],
  ['NOT (a pr) AND b pr Or c PR', 'not (a pr) and b pr or c pr'],
  ['not(a pr)', 'not (a pr)'],
  ['userType eq "Employee" and (emails.type eq "work")', 'userType eq "Employee" and emails.type eq "work"'],
  ['(a pr or b pr) and c pr', '(a pr or b pr) and c pr'],
  ['a pr or (b pr and c pr)', 'a pr or b pr and c pr'],
  ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
  ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
  ['((a pr))', 'a pr'],
  ['emails[type eq "work"].value eq "x"', 'emails[type eq "work" and value eq "x"]'],
  ['emails[type eq "work" or type eq "home"].value pr', 'emails[(type eq "work" or type eq "home") and value pr]'],
  ['a eq "q\\"u\\\\o\\/te\\u0041\\n"', 'a eq "q\\"u\\\\o/teA\\n"'],
  ['a eq 1.50 and b eq -0 and c eq 1E3 and d eq True and e eq NULL', 'a eq 1.5 and b eq -0 and c eq 1000 and d eq true and e eq null'],
  [
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"',
  ],
];

describe('printFilter', () => {
  for (const [input, expected] of canonical) {
    it(`prints ${input} as ${expected}`, () => {
      const printed = printFilter(parseFilter(input));
      assert.equal(printed, expected);
      assert.deepEqual(parseFilter(printed), parseFilter(input));
    });
  }

  it('prints hand-built trees with only the parentheses their shape needs', () => {
    const a = present(attributePath('a'));
    const b = compare(attributePath('b', 'c', 'urn:x:y'), 'lt', 3);
    const tree = and(or(a, not(b)), valuePath(attributePath('emails'), or(a, a)));
    assert.equal(printFilter(tree), '(a pr or not (urn:x:y:b.c lt 3)) and emails[a pr or a pr]');
    assert.deepEqual(parseFilter(printFilter(tree)), tree);
  });
});

describe('printValue', () => {
  it('prints JSON literals and keeps the sign of negative zero', () => {
    assert.equal(printValue('a"b'), '"a\\"b"');
    assert.equal(printValue(-0), '-0');
    assert.equal(printValue(1e21), '1e+21');
    assert.equal(printValue(false), 'false');
    assert.equal(printValue(null), 'null');
  });

  it('refuses numbers JSON cannot write', () => {
    assert.throws(() => printValue(Number.NaN), RangeError);
    assert.throws(() => printValue(Number.POSITIVE_INFINITY), RangeError);
  });
});
