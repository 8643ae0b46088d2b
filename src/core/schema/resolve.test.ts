import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attributePath } from '../filter/nodes.ts';
import { URN } from '../urns.ts';
import { findExtensionRoot, findSchema, findSubAttribute, resolveAttribute } from './resolve.ts';
import { groupSchemas, userSchemas } from './resource-types.ts';
import { defineAttribute } from './define.ts';
import type { SchemaDefinition } from './types.ts';
import { findKey, getIgnoreCase, isPlainObject } from '../json.ts';

const users = userSchemas();
const custom: SchemaDefinition = {
  id: 'urn:example:params:scim:schemas:extension:Acme:2.0:User',
  name: 'Acme',
  attributes: [defineAttribute('badge', { caseExact: true }), defineAttribute('department')],
};

describe('resolveAttribute', () => {
  it('resolves core attributes case-insensitively', () => {
    const r = resolveAttribute(users, attributePath('USERNAME'));
    assert.equal(r?.attribute.name, 'userName');
    assert.equal(r?.schemaId, URN.user);
    assert.equal(r?.extension, false);
  });

  it('resolves sub-attributes and reports undefined for unknown ones', () => {
    assert.equal(resolveAttribute(users, attributePath('name', 'FAMILYNAME'))?.subAttribute?.name, 'familyName');
    assert.equal(resolveAttribute(users, attributePath('name', 'nope')), undefined);
    assert.equal(resolveAttribute(users, attributePath('userName', 'x')), undefined);
  });

  it('resolves the common attributes id, externalId and meta on every resource type', () => {
    assert.equal(resolveAttribute(users, attributePath('id'))?.attribute.caseExact, true);
    assert.equal(resolveAttribute(groupSchemas(), attributePath('externalId'))?.attribute.caseExact, true);
    assert.equal(resolveAttribute(users, attributePath('meta', 'lastModified'))?.subAttribute?.type, 'dateTime');
    assert.equal(resolveAttribute(users, attributePath('meta', 'created', URN.user))?.subAttribute?.type, 'dateTime');
  });

  it('resolves URN-qualified extension attributes and marks them as extension', () => {
    const r = resolveAttribute(users, attributePath('employeeNumber', undefined, URN.enterpriseUser.toUpperCase()));
    assert.equal(r?.attribute.name, 'employeeNumber');
    assert.equal(r?.schemaId, URN.enterpriseUser);
    assert.equal(r?.extension, true);
    assert.equal(resolveAttribute(users, attributePath('manager', 'value', URN.enterpriseUser))?.subAttribute?.name, 'value');
  });

  it('falls back to extensions for unqualified names the core does not define (Entra manager eq)', () => {
    assert.equal(resolveAttribute(users, attributePath('manager'))?.schemaId, URN.enterpriseUser);
  });

  it('prefers the core schema over an extension defining the same name', () => {
    const withCustom = userSchemas([custom]);
    assert.equal(resolveAttribute(withCustom, attributePath('department'))?.schemaId, URN.enterpriseUser);
    assert.equal(resolveAttribute(withCustom, attributePath('department', undefined, custom.id))?.schemaId, custom.id);
    assert.equal(resolveAttribute(withCustom, attributePath('badge'))?.attribute.caseExact, true);
  });

  it('does not resolve unknown schemas or attributes', () => {
    assert.equal(resolveAttribute(users, attributePath('userName', undefined, 'urn:nope')), undefined);
    assert.equal(resolveAttribute(users, attributePath('nope')), undefined);
    assert.equal(resolveAttribute(users, attributePath('id', undefined, URN.enterpriseUser)), undefined);
  });
});

describe('schema lookups', () => {
  it('finds schemas and whole-extension paths', () => {
    assert.equal(findSchema(users, URN.user.toLowerCase())?.name, 'User');
    assert.equal(findSchema(users, 'urn:x'), undefined);
    const root = attributePath('User', undefined, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0');
    assert.equal(findExtensionRoot(users, root)?.id, URN.enterpriseUser);
    assert.equal(findExtensionRoot(users, attributePath('User')), undefined);
    assert.equal(findExtensionRoot(users, attributePath('User', 'x', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0')), undefined);
  });

  it('registers custom extensions on the resource type', () => {
    const withCustom = userSchemas([custom]);
    assert.deepEqual(
      withCustom.resourceType.schemaExtensions.map((e) => e.schema),
      [URN.enterpriseUser, custom.id],
    );
    assert.equal(groupSchemas([custom]).resourceType.schemaExtensions.length, 1);
    const members = resolveAttribute(groupSchemas(), attributePath('members'))?.attribute;
    assert.ok(members && findSubAttribute(members, 'VALUE'));
    assert.equal(findSubAttribute(defineAttribute('plain'), 'x'), undefined);
  });
});

describe('json helpers', () => {
  it('finds keys ignoring case and prefers an exact match', () => {
    assert.equal(findKey({ UserName: 1 }, 'username'), 'UserName');
    assert.equal(findKey({ a: 1, A: 2 }, 'A'), 'A');
    assert.equal(findKey({ a: 1 }, 'b'), undefined);
    assert.equal(getIgnoreCase({ Active: false }, 'active'), false);
    assert.equal(getIgnoreCase({}, 'active'), undefined);
    assert.ok(isPlainObject({}));
    assert.ok(!isPlainObject([]));
    assert.ok(!isPlainObject(null));
  });
});
