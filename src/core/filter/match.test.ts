import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { isScimError } from '../scim-error.ts';
import { groupSchemas, userSchemas } from '../schema/resource-types.ts';
import type { ResourceSchemas, ScimResource } from '../schema/types.ts';
import { checkFilter, compileFilter, matchFilter } from './match.ts';
import { attributePath, compare, not, valuePath } from './nodes.ts';
import { parseFilter } from './parser.ts';

interface MatchFixtures {
  users: ScimResource[];
  groups: ScimResource[];
  cases: { note: string; type: 'User' | 'Group'; filter: string; matches: string[] }[];
  errors: { type: 'User' | 'Group'; filter: string; detail: string }[];
}
const fixtures = JSON.parse(readFileSync(new URL('./match.fixtures.json', import.meta.url), 'utf8')) as MatchFixtures;

const USERS = userSchemas();
const GROUPS = groupSchemas();
const setFor = (type: 'User' | 'Group'): [ScimResource[], ResourceSchemas] =>
  type === 'User' ? [fixtures.users, USERS] : [fixtures.groups, GROUPS];
const idOf = (resource: ScimResource): string =>
  String(Object.entries(resource).find(([key]) => key.toLowerCase() === 'id')?.[1]);

describe('matchFilter', () => {
  for (const c of fixtures.cases) {
    it(`selects [${c.matches.join(', ')}] for ${c.filter} (${c.note})`, () => {
      const [resources, schemas] = setFor(c.type);
      const filter = parseFilter(c.filter);
      const matched = resources.filter((r) => matchFilter(filter, r, schemas)).map(idOf);
      assert.deepEqual(matched, c.matches);
      const compiled = compileFilter(filter, schemas);
      assert.deepEqual(resources.filter(compiled).map(idOf), c.matches);
      const negated = resources.filter((r) => matchFilter(not(filter), r, schemas)).map(idOf);
      assert.deepEqual(negated, resources.map(idOf).filter((id) => !c.matches.includes(id)));
    });
  }

  for (const c of fixtures.errors) {
    it(`rejects ${c.filter} with invalidFilter before reading any resource`, () => {
      const [resources, schemas] = setFor(c.type);
      const filter = parseFilter(c.filter);
      const expectError = (error: unknown): boolean => {
        assert.ok(isScimError(error), String(error));
        assert.equal(error.status, 400);
        assert.equal(error.scimType, 'invalidFilter');
        assert.ok(error.detail.includes(c.detail), error.detail);
        return true;
      };
      assert.throws(() => checkFilter(filter, schemas), expectError);
      assert.throws(() => compileFilter(filter, schemas), expectError);
      assert.throws(() => matchFilter(filter, resources[0] as ScimResource, schemas), expectError);
    });
  }

  it('ignores elements of a value-filtered attribute that are not objects', () => {
    const user = { userName: 'x', emails: ['plain@example.com', null, { type: 'work', value: 'w@example.com' }] };
    assert.equal(matchFilter(parseFilter('emails[type eq "work"]'), user, USERS), true);
    assert.equal(matchFilter(parseFilter('emails[value eq "plain@example.com"]'), user, USERS), false);
  });

  it('never matches stored values of the wrong JSON type', () => {
    const user = { userName: 42, active: 'true', meta: { created: 'not a date', lastModified: 7 } };
    for (const text of ['userName eq "42"', 'active eq true', 'meta.created lt "2030-01-01T00:00:00Z"', 'meta.lastModified gt "1970-01-01T00:00:00Z"']) {
      assert.equal(matchFilter(parseFilter(text), user, USERS), false, text);
    }
  });

  it('reads an extension attribute only under its extension key', () => {
    const user = { userName: 'x', employeeNumber: '1' };
    assert.equal(matchFilter(parseFilter('employeeNumber eq "1"'), user, USERS), false);
    assert.equal(matchFilter(parseFilter('employeeNumber pr'), { userName: 'x', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': 'oops' }, USERS), false);
  });

  it('orders strings by code point, putting supplementary characters after the rest of the BMP', () => {
    const user = (name: string): ScimResource => ({ userName: name });
    const gt = parseFilter('userName gt "\uffff"');
    assert.equal(matchFilter(gt, user('\u{1F600}'), USERS), true);
    assert.equal(matchFilter(gt, user('\ufffe'), USERS), false);
    assert.equal(matchFilter(parseFilter('userName lt "\u{1F600}"'), user('\ue000'), USERS), true);
    assert.equal(matchFilter(parseFilter('userName ge "abc"'), user('ab'), USERS), false);
  });

  it('rejects a value path nested inside another value path built by hand', () => {
    const inner = valuePath(attributePath('emails'), compare(attributePath('type'), 'eq', 'work'));
    const filter = valuePath(attributePath('emails'), inner);
    assert.throws(() => checkFilter(filter, USERS), (e: unknown) => isScimError(e) && e.detail.includes('nested'));
  });

  it('treats paths with a URN or sub-attribute inside a hand-built value filter as unknown', () => {
    const filter = valuePath(attributePath('emails'), compare(attributePath('type', 'x'), 'ne', 'work'));
    assert.equal(matchFilter(filter, fixtures.users[0] as ScimResource, USERS), true);
  });

  it('compares numbers numerically in integer and decimal attributes', () => {
    const schemas = userSchemas([
      {
        id: 'urn:example:scim:2.0:Extra',
        name: 'Extra',
        attributes: [
          { name: 'level', type: 'integer', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' },
          { name: 'score', type: 'decimal', multiValued: true, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' },
        ],
      },
    ]);
    const user = { userName: 'x', 'urn:example:scim:2.0:Extra': { level: 10, score: [1.5, 9.25] } };
    const check = (text: string, expected: boolean): void => assert.equal(matchFilter(parseFilter(text), user, schemas), expected, text);
    check('level gt 9', true);
    check('level ge 10 and level le 10 and level eq 10', true);
    check('level lt 10', false);
    check('score gt 9 and score lt 2', true);
    check('score eq 9.25', true);
    check('score ne 9.25', false);
    assert.throws(() => checkFilter(parseFilter('level eq "10"'), schemas), (e: unknown) => isScimError(e) && e.detail.includes("\"level\" is an integer attribute; compare it with a number (without quotes)"));
    assert.throws(() => checkFilter(parseFilter('level sw 1'), schemas), (e: unknown) => isScimError(e) && e.detail.includes('sw needs a quoted string'));
    assert.throws(() => checkFilter(parseFilter('level co "1"'), schemas), (e: unknown) => isScimError(e) && e.detail.includes('cannot be applied to "level", an integer attribute'));
  });
});

describe('matchFilter properties', () => {
  const attribute = fc.constantFrom('userName', 'title', 'emails', 'emails.value', 'emails.type', 'name.givenName', 'active', 'meta.lastModified', 'manager', 'foo', 'x509Certificates');
  const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
  const value = fc.constantFrom('"j"', '"bjensen"', '"work"', '"2011-05-13T04:42:34Z"', 'true', 'false', 'null', '5', '""');
  const atom = fc.oneof(
    fc.tuple(attribute, op, value).map(([a, o, v]) => `${a} ${o} ${v}`),
    attribute.map((a) => `${a} pr`),
    fc.tuple(fc.constantFrom('type', 'value', 'primary'), op, value).map(([a, o, v]) => `emails[${a} ${o} ${v}]`),
  );
  const text = fc
    .array(fc.tuple(atom, fc.constantFrom(' and ', ' or ', ' and not (')), { minLength: 1, maxLength: 4 })
    .map((parts) => {
      let out = '';
      let open = 0;
      for (const [a, joiner] of parts) {
        out += a + joiner;
        if (joiner.endsWith('(')) open += 1;
      }
      return `${out}title pr${')'.repeat(open)}`;
    });

  it('either rejects a filter with invalidFilter or answers consistently for not and ne', () => {
    fc.assert(
      fc.property(text, (source) => {
        const filter = parseFilter(source);
        let predicate: (r: ScimResource) => boolean;
        try {
          predicate = compileFilter(filter, USERS);
        } catch (error) {
          assert.ok(isScimError(error) && error.scimType === 'invalidFilter', String(error));
          return;
        }
        const negated = compileFilter(not(filter), USERS);
        for (const user of fixtures.users) assert.equal(negated(user), !predicate(user), source);
      }),
      { numRuns: 300 },
    );
  });
});
