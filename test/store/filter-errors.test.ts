/**
 * Every filter the SQL compiler refuses is a 400 `invalidFilter` with an actionable detail, the same
 * on both dialects, before any SQL runs (RFC 7644 §3.4.2.2, §3.12): type errors with the matcher's
 * own wording (docs/filters.md), constructs the layout cannot express exactly, and filters over the
 * complexity limits. Never a partial or unfiltered query.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { attributePath, compare, or, valuePath } from '../../src/core/filter/nodes.ts';
import type { Filter } from '../../src/core/filter/nodes.ts';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { isScimError } from '../../src/core/scim-error.ts';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import { postgresCapabilities } from '../../src/store/postgres/capabilities.ts';
import { sqliteCapabilities } from '../../src/store/sqlite/capabilities.ts';
import { filterToSql } from '../../src/store/filter-to-sql.ts';
import type { FilterSqlLimits } from '../../src/store/filter-to-sql.ts';

interface ErrorFixture {
  readonly name: string;
  readonly target: 'users' | 'groups';
  readonly filter: string;
  readonly status: number;
  readonly scimType: string;
  readonly detail: string;
}

const fixtures = JSON.parse(readFileSync(new URL('./filter-errors.fixtures.json', import.meta.url), 'utf8')) as ErrorFixture[];

function assertRejected(filter: Filter, target: 'users' | 'groups', expected: Omit<ErrorFixture, 'name' | 'filter' | 'target'>, limits?: FilterSqlLimits): void {
  const schemas = target === 'users' ? userSchemas() : groupSchemas();
  for (const caps of [sqliteCapabilities, postgresCapabilities]) {
    assert.throws(
      () => filterToSql(filter, target, schemas, caps, limits),
      (error: unknown) => {
        assert.ok(isScimError(error), `expected a ScimError, got ${String(error)}`);
        assert.equal(error.status, expected.status);
        assert.equal(error.scimType, expected.scimType);
        assert.equal(error.detail, expected.detail);
        return true;
      },
      `${caps.name}`,
    );
  }
}

describe('filters the SQL compiler refuses', () => {
  for (const fixture of fixtures) {
    it(`rejects ${fixture.name} with 400 invalidFilter: ${fixture.filter}`, () => {
      assertRejected(parseFilter(fixture.filter), fixture.target, fixture);
    });
  }

  it('rejects a value filter nested in another one, which the parser cannot produce but an AST can', () => {
    const inner = valuePath(attributePath('phoneNumbers'), compare(attributePath('type'), 'eq', 'work'));
    assertRejected(valuePath(attributePath('emails'), inner), 'users', {
      status: 400,
      scimType: 'invalidFilter',
      detail: 'Invalid filter: "phoneNumbers[…]" is nested inside another value filter',
    });
  });

  it('rejects a filter with more terms than the limit allows', () => {
    const terms = Array.from({ length: 6 }, (_, i) => compare(attributePath('userName'), 'eq', `u${i}`));
    const filter = terms.slice(1).reduce<Filter>((acc, term) => or(acc, term), terms[0] as Filter);
    assertRejected(filter, 'users', { status: 400, scimType: 'invalidFilter', detail: 'The filter is too complex: at most 10 terms are allowed' }, { maxNodes: 10 });
  });

  it('rejects a filter with more multi-valued conditions than the default limit of 10', () => {
    const text = Array.from({ length: 11 }, (_, i) => `emails.value eq "u${i}@example.com"`).join(' or ');
    assertRejected(parseFilter(text), 'users', {
      status: 400,
      scimType: 'invalidFilter',
      detail: 'The filter is too complex: at most 10 conditions on multi-valued or complex attributes are allowed',
    });
  });

  it('accepts the same filter when it stays within the limits', () => {
    const text = Array.from({ length: 10 }, (_, i) => `emails.value eq "u${i}@example.com"`).join(' or ');
    assert.doesNotThrow(() => filterToSql(parseFilter(text), 'users', userSchemas(), sqliteCapabilities));
  });
});
