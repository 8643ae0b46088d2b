import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { isScimError } from '../scim-error.ts';
import { and, attributePath, compare, not, or, present, valuePath } from './nodes.ts';
import type { AttributePath, CompareOperator, Filter, FilterValue } from './nodes.ts';
import { DEFAULT_FILTER_LIMITS, parseFilter } from './parser.ts';
import { printFilter } from './printer.ts';

interface ValidCase {
  readonly note: string;
  readonly filter: string;
  readonly ast: Filter;
}
interface ErrorCase {
  readonly note: string;
  readonly filter: string;
  readonly status: number;
  readonly scimType: string;
  readonly detail: string;
}
const fixtures = JSON.parse(readFileSync(new URL('./parser.fixtures.json', import.meta.url), 'utf8')) as {
  valid: ValidCase[];
  errors: ErrorCase[];
};

/** Asserts that `run` throws a ScimError with the given status, scimType and detail fragment. */
function assertScimError(run: () => unknown, status: number, scimType: string, detail: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isScimError(error), `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.scimType, scimType);
    assert.ok(error.detail.includes(detail), `detail ${JSON.stringify(error.detail)} lacks ${JSON.stringify(detail)}`);
    return true;
  });
}

describe('parseFilter', () => {
  for (const c of fixtures.valid) {
    it(`parses ${c.filter.replace(/\s+/g, ' ')} (${c.note})`, () => {
      assert.deepEqual(parseFilter(c.filter), c.ast);
    });
  }

  for (const c of fixtures.errors) {
    it(`rejects ${JSON.stringify(c.filter)} with a positioned detail (${c.note})`, () => {
      assertScimError(() => parseFilter(c.filter), c.status, c.scimType, c.detail);
    });
  }

  it('returns frozen nodes all the way down', () => {
    const filter = parseFilter('userType eq "Employee" and emails[type eq "work"]');
    assert.ok(Object.isFrozen(filter));
    assert.equal(filter.kind, 'and');
    assert.ok(Object.isFrozen(filter.right));
    assert.ok(Object.isFrozen((filter.left as { path: AttributePath }).path));
  });

  it('reads the same filter back from its printed form for every fixture', () => {
    for (const c of fixtures.valid) assert.deepEqual(parseFilter(printFilter(c.ast)), c.ast, c.filter);
  });
});

describe('parseFilter limits', () => {
  const nested = (depth: number): string => `${'('.repeat(depth)}title pr${')'.repeat(depth)}`;

  it('accepts nesting up to maxDepth and rejects one level more, naming the limit', () => {
    assert.deepEqual(parseFilter(nested(DEFAULT_FILTER_LIMITS.maxDepth)), present(attributePath('title')));
    assertScimError(() => parseFilter(nested(33)), 400, 'invalidFilter', 'more than 32 levels deep (the maxDepth limit)');
  });

  it('counts not (…) and value filters as nesting levels', () => {
    const nots = `${'not ('.repeat(3)}emails[type eq "work"]${')'.repeat(3)}`;
    assert.equal(parseFilter(nots, { maxDepth: 4 }).kind, 'not');
    assertScimError(() => parseFilter(nots, { maxDepth: 3 }), 400, 'invalidFilter', 'at position 22: the filter nests');
  });

  it('rejects a filter longer than maxLength, naming the limit', () => {
    const long = `userName eq "${'x'.repeat(DEFAULT_FILTER_LIMITS.maxLength)}"`;
    assertScimError(() => parseFilter(long), 400, 'invalidFilter', `over the limit of 4096 (maxLength)`);
    assertScimError(() => parseFilter('userName eq "abc"', { maxLength: 10 }), 400, 'invalidFilter', 'at position 11');
  });

  it('reads a bare word as a string only when bareWords is on, keeping true/false/null and the error positions', () => {
    const userType = attributePath('userType');
    assert.deepEqual(parseFilter('userType eq Employee', { bareWords: true }), compare(userType, 'eq', 'Employee'));
    assert.deepEqual(
      parseFilter('userName eq bjensen@example.com and active eq true', { bareWords: true }),
      and(compare(attributePath('userName'), 'eq', 'bjensen@example.com'), compare(attributePath('active'), 'eq', true)),
    );
    assert.deepEqual(parseFilter('emails[type eq work]', { bareWords: true }), valuePath(attributePath('emails'), compare(attributePath('type'), 'eq', 'work')));
    assertScimError(() => parseFilter('userType eq Employee'), 400, 'invalidFilter', 'at position 13: expected a value after "eq"');
    assertScimError(() => parseFilter("userType eq 'Employee'", { bareWords: true }), 400, 'invalidFilter', 'at position 13: expected a value after "eq"');
    assertScimError(() => parseFilter('userType eq Employee extra', { bareWords: true }), 400, 'invalidFilter', 'at position 22: expected "and", "or" or the end');
  });

  it('reads long and/or chains without treating them as nesting', () => {
    const terms = Array.from({ length: 200 }, (_, i) => `id eq "${i}"`);
    const filter = parseFilter(terms.join(' or '));
    assert.equal(filter.kind, 'or');
    assert.deepEqual(parseFilter(printFilter(filter)), filter);
  });

  it('stops at the depth limit instead of overflowing the stack on thousands of parentheses', () => {
    assertScimError(() => parseFilter('('.repeat(4000)), 400, 'invalidFilter', 'maxDepth');
    assertScimError(() => parseFilter('a['.repeat(2000)), 400, 'invalidFilter', 'cannot be nested');
  });
});

// ---- property-based tests -------------------------------------------------------------------

const NAMES = ['userName', 'emails', 'value', 'type', 'not', 'and', 'or', 'pr', 'eq', 'true', 'null', '$ref', 'x-1', 'a_b'];
const name = fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,6}$/));
const uri = fc.oneof(
  fc.constantFrom('urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'),
  fc.stringMatching(/^urn:[a-z]{1,5}(:[A-Za-z0-9.-]{1,5}){0,3}$/),
);
const topPath: fc.Arbitrary<AttributePath> = fc
  .tuple(fc.option(uri, { nil: undefined }), name, fc.option(name, { nil: undefined }))
  .map(([u, attribute, sub]) => attributePath(attribute, sub, u));
const innerPath: fc.Arbitrary<AttributePath> = name.map((n) => attributePath(n));
const operator = fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
const literal: fc.Arbitrary<FilterValue> = fc.oneof(
  // NUL is refused in string literals (core/text.ts): no stored value can hold it.
  fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\0')),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

function filterArbitrary(path: fc.Arbitrary<AttributePath>, withValuePaths: boolean): fc.Arbitrary<Filter> {
  return fc.letrec<{ filter: Filter }>((tie) => {
    const leaves: fc.Arbitrary<Filter>[] = [
      fc.tuple(path, operator, literal).map(([p, op, v]) => compare(p, op, v)),
      path.map((p) => present(p)),
    ];
    if (withValuePaths) {
      const parent = fc.tuple(fc.option(uri, { nil: undefined }), name).map(([u, n]) => attributePath(n, undefined, u));
      leaves.push(fc.tuple(parent, filterArbitrary(innerPath, false)).map(([p, f]) => valuePath(p, f)));
    }
    return {
      filter: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        ...leaves,
        fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => and(l, r)),
        fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => or(l, r)),
        tie('filter').map((f) => not(f)),
      ),
    };
  }).filter;
}

/** Any AST the parser can produce: value paths hold sub-attribute names and no nested value paths. */
const anyFilter = filterArbitrary(topPath, true).filter((f) => printFilter(f).length <= 4096);

describe('parseFilter properties', () => {
  it('reads back every printed AST as the same AST', () => {
    fc.assert(
      fc.property(anyFilter, (ast) => {
        assert.deepEqual(parseFilter(printFilter(ast), { maxDepth: 1000 }), ast);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a ScimError on arbitrary text', () => {
    const fragment = fc.constantFrom(
      '(', ')', '[', ']', ' ', 'and', 'or', 'not', 'eq', 'pr', 'gt', '"x"', '"', '\\', '\\u', 'emails',
      '.value', 'urn:a:b:', 'urn:x:y', '1', '-', '1e', 'true', 'null', '$ref', '.', ':', '+', "'",
    );
    const soup = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), soup), (text) => {
        try {
          parseFilter(text);
        } catch (error) {
          assert.ok(isScimError(error), `non-ScimError for ${JSON.stringify(text)}: ${String(error)}`);
          assert.equal(error.scimType, 'invalidFilter');
          assert.match(error.detail, /^Invalid filter at position \d+: /);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
