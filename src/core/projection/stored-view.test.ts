import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSchemaRegistry, validateSchemaDefinition } from '../schema/registry.ts';
import type { ResourceSchemas, ScimResource } from '../schema/types.ts';
import { project } from './project.ts';
import { spliceDefaultView, type StoredViewAdditions } from './stored-view.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const TEAM = 'urn:example:params:scim:schemas:extension:team:2.0:User';
const LOCATION = 'https://scim.test/scim/v2/Users/u1';

const plain = createSchemaRegistry();
const custom = createSchemaRegistry({
  userExtensions: [
    validateSchemaDefinition({ id: TEAM, attributes: [{ name: 'team', type: 'string' }, { name: 'lead', type: 'complex', subAttributes: [{ name: 'value' }, { name: 'display' }] }] }),
    validateSchemaDefinition({ id: ACME, attributes: [{ name: 'badge', type: 'integer' }, { name: 'pin', returned: 'never', mutability: 'writeOnly' }] }),
  ],
});

/** What the HTTP layer answers today: the stored resource, the computed attribute and `meta.location`, projected. */
function projected(stored: ScimResource, schemas: ResourceSchemas, additions: StoredViewAdditions): string {
  const resource = additions.computed ? { ...stored, [additions.computed.name]: JSON.parse(additions.computed.json) } : stored;
  const meta = typeof resource['meta'] === 'object' && resource['meta'] !== null ? resource['meta'] : {};
  return JSON.stringify(project({ ...resource, meta: { ...meta, location: additions.location } }, schemas, {}));
}

function check(stored: ScimResource, schemas: ResourceSchemas, additions: StoredViewAdditions = { location: LOCATION }): string | undefined {
  const spliced = spliceDefaultView(JSON.stringify(stored), schemas, additions);
  if (spliced !== undefined) assert.equal(spliced, projected(stored, schemas, additions));
  return spliced;
}

const meta = { resourceType: 'User', created: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-02T00:00:00.000Z', version: 'W/"2"' };
const entra: ScimResource = {
  schemas: [USER],
  externalId: 'ext-1',
  userName: 'user1@contoso.test',
  active: true,
  displayName: 'User 1',
  emails: [{ primary: true, type: 'work', value: 'user1@contoso.test' }],
  name: { formatted: 'User 1', familyName: '1', givenName: 'User' },
  id: 'u1',
  meta,
};
const groups = { name: 'groups', json: JSON.stringify([{ value: 'g1', display: 'Sales "EMEA"', type: 'direct' }, { value: 'g2', display: 'Ünïcødé ☃ \u2028', type: 'direct' }]) };

describe('spliceDefaultView', () => {
  it('answers an Entra user exactly as projection does, with and without groups', () => {
    assert.ok(check(entra, plain.user));
    assert.ok(check(entra, plain.user, { location: LOCATION, computed: groups }));
  });

  it('drops extension URNs listed without their block from schemas, as projection does', () => {
    const spliced = check({ ...entra, schemas: [USER, ENTERPRISE, TEAM], [TEAM]: { team: 'Red' } }, custom.user);
    assert.deepEqual(JSON.parse(spliced ?? '{}').schemas, [USER, TEAM]);
  });

  it('moves extension blocks after meta and groups, as projection does', () => {
    const user = {
      ...entra,
      schemas: [USER, ENTERPRISE, TEAM],
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'm1', displayName: 'Boss' } },
      [TEAM]: { team: 'Blue', lead: { value: 'x' } },
      id: 'u1',
      meta,
    };
    const spliced = check(user, custom.user, { location: LOCATION, computed: groups });
    assert.ok(spliced);
    assert.deepEqual(Object.keys(JSON.parse(spliced)).slice(-4), ['meta', 'groups', ENTERPRISE, TEAM]);
  });

  it('keeps special characters in values and keys the schemas do not know', () => {
    const user = { ...entra, displayName: 'Zoë "Z" \\ O\'Brien {} [] ,:}', nickName: '\u0000\u001f\ud83d\ude00', title: 'a"meta":{"location":1}', legacy: { 'a b': [1, -2.5e-7, null, false] } };
    assert.ok(check(user, plain.user, { location: 'https://h/scim/v2/Users/%C3%A9"', computed: groups }));
  });

  it('declines what projection would change', () => {
    const declined: [string, ScimResource, ResourceSchemas][] = [
      ['an empty array', { ...entra, emails: [] }, plain.user],
      ['an empty object nested in a value', { ...entra, name: { formatted: {} } }, plain.user],
      ['a never-returned attribute', { ...entra, password: 'secret' }, plain.user],
      ['an extension with a never-returned attribute', { ...entra, schemas: [USER, ACME], [ACME]: { badge: 1 } }, custom.user],
      ['an extension block that is not an object', { ...entra, schemas: [USER, ENTERPRISE], [ENTERPRISE]: 'x' }, plain.user],
      ['a stored groups member', { ...entra, groups: [{ value: 'g' }] }, plain.user],
      ['no meta', { schemas: [USER], userName: 'x', id: 'u' }, plain.user],
      ['a stored meta.location', { ...entra, meta: { ...meta, location: 'x' } }, plain.user],
    ];
    for (const [why, stored, schemas] of declined) {
      assert.equal(spliceDefaultView(JSON.stringify(stored), schemas, { location: LOCATION, computed: groups }), undefined, why);
    }
    assert.equal(spliceDefaultView(JSON.stringify(entra, null, 1), plain.user, { location: LOCATION }), undefined, 'not compact');
    assert.equal(spliceDefaultView(JSON.stringify(entra), plain.user, { location: LOCATION, computed: { name: 'groups', json: '[]' } }), undefined);
  });

  it('equals projection whenever it answers, for arbitrary stored resources', () => {
    const keys = ['userName', 'UserName', 'displayName', 'emails', 'name', 'title', 'legacy', 'x509Certificates', 'ü', 'a"b', ENTERPRISE, TEAM];
    const wildKeys = [...keys, 'password', 'groups', 'meta', 'schemas', ENTERPRISE.toUpperCase(), ACME, '__proto__'];
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const values = (key: fc.Arbitrary<string>, minLength: number) => fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('any'), { minLength, maxLength: 3 }), fc.dictionary(key, tie('any'), { minKeys: minLength, maxKeys: 3 })),
    })).any;
    // Wild resources mostly exercise the refusals; tame ones (no empties, a meta) mostly the splice.
    const resource = (wild: boolean) => {
      const key = fc.constantFrom(...(wild ? wildKeys : keys));
      const metaKeys = fc.constantFrom('version', 'created', ...(wild ? ['location', 'x'] : ['x']));
      return fc.record({
        schemas: fc.subarray(wild ? [USER, ENTERPRISE, TEAM, ACME, 7] : [USER, ENTERPRISE, TEAM]),
        body: fc.dictionary(key, values(key, wild ? 0 : 1), { maxKeys: 6 }),
        meta: wild ? fc.option(fc.dictionary(metaKeys, leaf), { nil: undefined }) : fc.dictionary(metaKeys, leaf, { minKeys: 1 }),
        computed: fc.option(fc.array(fc.record({ value: fc.string(), display: fc.string() }), { minLength: wild ? 0 : 1, maxLength: 2 }), { nil: undefined }),
      });
    };
    let answered = 0;
    for (const wild of [true, false]) {
      fc.assert(
        fc.property(resource(wild), fc.boolean(), ({ schemas, body, meta: m, computed }, withCustom) => {
          const stored: ScimResource = { schemas, ...body, ...(m === undefined ? {} : { meta: m }) };
          if (!wild) {
            // Canonical like a validated resource: extension blocks are objects, listed in `schemas`.
            const blocks = [ENTERPRISE, TEAM].filter((id) => id in body);
            for (const id of blocks) if (typeof body[id] !== 'object' || body[id] === null || Array.isArray(body[id])) stored[id] = { team: body[id] };
            stored['schemas'] = [USER, ...blocks, ...schemas.filter((id) => id !== USER && !blocks.includes(id as string))];
          }
          const additions = { location: LOCATION, ...(computed === undefined ? {} : { computed: { name: 'groups', json: JSON.stringify(computed) } }) };
          if (check(stored, withCustom ? custom.user : plain.user, additions) !== undefined) answered += 1;
        }),
        { numRuns: 2000 },
      );
    }
    assert.ok(answered > 1000, `the splice answered only ${answered} of 4,000 resources`);
  });
});
