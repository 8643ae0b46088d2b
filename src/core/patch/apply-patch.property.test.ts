import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { URN } from '../urns.ts';
import { ScimError } from '../scim-error.ts';
import { applyPatch } from './apply-patch.ts';
import { ACME_EXTENSION, SCHEMAS } from './fixture-harness.ts';
import type { MembershipDelta, PatchOperation } from './types.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

const ENT = URN.enterpriseUser;
const ACME = ACME_EXTENSION.id;

const user = {
  schemas: [URN.user, ENT],
  id: 'u-1',
  externalId: 'ext-1',
  userName: 'ann@example.com',
  name: { givenName: 'Ann', familyName: 'Lee', formatted: 'Ann Lee' },
  displayName: 'Ann Lee',
  active: true,
  emails: [
    { value: 'ann@example.com', type: 'work', primary: true },
    { value: 'ann@home.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
  addresses: [{ type: 'work', locality: 'Springfield', country: 'US' }],
  roles: [{ value: 'Admin', primary: true }],
  [ENT]: { employeeNumber: '7', department: 'Ops', manager: { value: 'm-1', displayName: 'Boss' } },
  [ACME]: { badgeId: 'B-1', tags: ['a', 'b'], devices: [{ value: 'd1', serial: 'S1' }] },
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-01T00:00:00Z' },
};

const paths = fc.constantFrom(
  undefined, '', 'displayName', 'DISPLAYNAME', 'nickName', 'active', 'userName', 'id', 'meta', 'meta.created',
  'name', 'name.givenName', 'name.nope', 'emails', 'emails.value', 'emails.primary',
  'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[type eq "other"].Value',
  'emails[primary eq "True"].display', 'emails[value co "@" or type eq "x"].type', 'emails[not (type eq "home")]',
  'addresses[type eq "work"].locality', 'phoneNumbers[type eq "fax"].value', 'roles[primary eq true].value',
  'groups', 'x509Certificates', `${ENT}:manager`, `${ENT}:manager.displayName`, 'manager', ENT,
  `${ACME}:badgeId`, `${ACME}:tags[value eq "a"]`, `${ACME}:devices[value eq "d1"].serial`, `${ACME}:hiredAt`,
  `${ACME}:clearance`, 'noSuchAttribute[[', 'emails[type eq', 'name[givenName eq "Ann"]', 'a.b.c',
);

const scalar = fc.oneof(
  fc.string({ maxLength: 8 }), fc.boolean(), fc.integer(), fc.double(), fc.constant(null),
  fc.constantFrom('True', 'False', 'false', '2024-02-01T00:00:00Z', 'x@y.org'),
);

const values = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('value', 'type', 'primary', 'display', 'givenName', 'nope', '$ref', 'displayName', 'active', 'name.givenName', 'id', 'meta', ENT, `${ENT}:department`), scalar, { maxKeys: 4 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(scalar, fc.record({ value: scalar, type: fc.constantFrom('work', 'home'), primary: fc.boolean() }, { requiredKeys: [] })), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const anyOperation = fc.record(
  { op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'REPLACE', 'Remove', 'move', 7), path: paths, value: values },
  { requiredKeys: ['op'] },
) as fc.Arbitrary<PatchOperation>;

const opName = fc.constantFrom('add', 'replace', 'Add', 'Replace');
const text = fc.string({ minLength: 1, maxLength: 8 });
const email = fc.record({ value: text, type: fc.constantFrom('work', 'home', 'other'), primary: fc.boolean() }, { requiredKeys: ['value'] });
/** Operations shaped like the ones clients send, so most random lists apply. */
const plausibleOperation: fc.Arbitrary<PatchOperation> = fc.oneof(
  fc.record({ op: opName, path: fc.constantFrom('displayName', 'nickName', 'title', 'name.givenName', `${ENT}:department`, 'emails[type eq "work"].value', 'addresses[type eq "work"].region', 'phoneNumbers[type eq "fax"].value'), value: text }),
  fc.record({ op: opName, path: fc.constantFrom('active', 'emails[type eq "home"].primary', `${ACME}:remote`), value: fc.constantFrom(true, false, 'True', 'False') }),
  fc.record({ op: opName, path: fc.constant('emails'), value: fc.array(email, { maxLength: 3 }) }),
  fc.record({ op: opName, path: fc.constantFrom(`${ENT}:manager`, 'manager'), value: fc.oneof(text, fc.record({ value: text }), fc.tuple(fc.record({ value: text }))) }),
  fc.record({ op: opName, value: fc.dictionary(fc.constantFrom('displayName', 'nickName', 'name.familyName', `${ENT}:employeeNumber`, 'locale'), text, { maxKeys: 3 }) }),
  fc.record({ op: fc.constant('remove'), path: fc.constantFrom('nickName', 'emails[type eq "home"]', 'emails[type eq "work"].primary', 'name.formatted', `${ENT}:manager`, ENT, 'roles', `${ACME}:tags[value eq "a"]`) }),
) as fc.Arbitrary<PatchOperation>;

const operation = fc.oneof({ weight: 4, arbitrary: plausibleOperation }, { weight: 1, arbitrary: anyOperation });

describe('applyPatch properties', () => {
  it('either applies random operations or throws a ScimError, and never mutates its input', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 6 }), fc.boolean(), (operations, strict) => {
        const input = deepFreeze(structuredClone(user));
        try {
          const result = applyPatch(input, operations, SCHEMAS.User, { strict });
          assert.equal(result.changed, result.changedAttributes.length > 0);
          assert.ok(!('name.givenName' in result.resource), 'dotted keys are applied as paths, never stored');
          assert.deepEqual(JSON.parse(JSON.stringify(result.resource)), result.resource);
        } catch (error) {
          if (!(error instanceof ScimError)) throw error;
          assert.equal(error.status === 400 || error.status === 413, true);
        }
        assert.deepEqual(input, user);
      }),
      { numRuns: 400 },
    );
  });

  it('is all or nothing: a failing operation leaves no trace of the ones before it', () => {
    const operations: PatchOperation[] = [
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'replace', path: 'id', value: 'other' },
    ];
    const input = deepFreeze(structuredClone(user));
    assert.throws(() => applyPatch(input, operations, SCHEMAS.User), ScimError);
    assert.equal(input.displayName, 'Ann Lee');
  });
});

/** Applies a delta to a member set the way the store would. */
function applyDelta(members: readonly string[], delta: MembershipDelta | undefined): string[] {
  if (delta === undefined) return [...members];
  const start = delta.replace ? delta.replace.map((m) => m.value) : members.filter((id) => !delta.remove.includes(id));
  return [...new Set([...start, ...delta.add.map((m) => m.value)])];
}

const ids = fc.constantFrom('u1', 'u2', 'u3', 'u4');
const refs = fc.uniqueArray(ids, { maxLength: 3 }).map((list) => list.map((value) => ({ value })));
const memberOperation: fc.Arbitrary<PatchOperation> = fc.oneof(
  refs.map((value) => ({ op: 'add' as const, path: 'members', value })),
  refs.map((value) => ({ op: 'replace' as const, path: 'members', value })),
  refs.map((value) => ({ op: 'remove' as const, path: 'members', value })),
  fc.constant({ op: 'remove' as const, path: 'members' }),
  fc.uniqueArray(ids, { minLength: 1, maxLength: 2 }).map((list) => ({
    op: 'remove' as const,
    path: `members[${list.map((id) => `value eq "${id}"`).join(' or ')}]`,
  })),
);

describe('membership deltas', () => {
  it('lead to the same members as applying the operations to members kept in the resource', () => {
    fc.assert(
      fc.property(fc.uniqueArray(ids, { maxLength: 4 }), fc.array(memberOperation, { maxLength: 6 }), (initial, operations) => {
        const group = deepFreeze({ schemas: [URN.group], id: 'g', displayName: 'G' });
        const withMembers = { ...group, ...(initial.length > 0 ? { members: initial.map((value) => ({ value })) } : {}) };
        const direct = applyPatch(withMembers, operations, SCHEMAS.Group);
        const expected = ((direct.resource['members'] as { value: string }[] | undefined) ?? []).map((m) => m.value);
        const result = applyPatch(group, operations, SCHEMAS.Group, { deltaAttributes: ['members'] });
        assert.deepEqual(result.resource, group);
        const delta = result.deltas['members'];
        assert.deepEqual(new Set(applyDelta(initial, delta)), new Set(expected));
        if (delta) {
          assert.equal(delta.add.some((m) => delta.remove.includes(m.value)), false, 'add and remove are disjoint');
          if (delta.replace) assert.deepEqual([delta.add.length, delta.remove.length], [0, 0]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
