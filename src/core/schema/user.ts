/** The core User schema (RFC 7643 §4.1, representation in §8.7.1). */
import { URN } from '../urns.ts';
import { defineAttribute, defineComplex, defineMultiValued } from './define.ts';
import type { ScimResource, SchemaDefinition } from './types.ts';

const name = defineComplex('name', [
  defineAttribute('formatted'),
  defineAttribute('familyName'),
  defineAttribute('givenName'),
  defineAttribute('middleName'),
  defineAttribute('honorificPrefix'),
  defineAttribute('honorificSuffix'),
]);

const addresses = defineComplex(
  'addresses',
  [
    defineAttribute('formatted'),
    defineAttribute('streetAddress'),
    defineAttribute('locality'),
    defineAttribute('region'),
    defineAttribute('postalCode'),
    defineAttribute('country'),
    defineAttribute('type', { canonicalValues: ['work', 'home', 'other'] }),
    defineAttribute('primary', { type: 'boolean' }),
  ],
  { multiValued: true },
);

const groups = defineComplex(
  'groups',
  [
    defineAttribute('value', { mutability: 'readOnly' }),
    defineAttribute('$ref', { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'readOnly' }),
    defineAttribute('display', { mutability: 'readOnly' }),
    defineAttribute('type', { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' }),
  ],
  { multiValued: true, mutability: 'readOnly' },
);

export const USER_SCHEMA: SchemaDefinition = Object.freeze({
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: Object.freeze([
    defineAttribute('userName', { required: true, uniqueness: 'server' }),
    name,
    defineAttribute('displayName'),
    defineAttribute('nickName'),
    defineAttribute('profileUrl', { type: 'reference', referenceTypes: ['external'] }),
    defineAttribute('title'),
    defineAttribute('userType'),
    defineAttribute('preferredLanguage'),
    defineAttribute('locale'),
    defineAttribute('timezone'),
    defineAttribute('active', { type: 'boolean' }),
    defineAttribute('password', { mutability: 'writeOnly', returned: 'never' }),
    defineMultiValued('emails', { types: ['work', 'home', 'other'] }),
    defineMultiValued('phoneNumbers', { types: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] }),
    defineMultiValued('ims', { types: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'] }),
    defineMultiValued('photos', { valueType: 'reference', referenceTypes: ['external'], types: ['photo', 'thumbnail'] }),
    addresses,
    groups,
    defineMultiValued('entitlements'),
    defineMultiValued('roles'),
    defineMultiValued('x509Certificates', { valueType: 'binary' }),
  ]),
});

/**
 * A user written without `active` is active. RFC 7643 §4.1.1 leaves an absent `active` to the
 * service provider; Entra ID and Okta create users without it and mean "active". The value is
 * stored explicitly, so every reader — SCIM responses, filters (`active eq true`), the admin API,
 * the CLI — sees the same `true` instead of each guessing. An explicit `false` stays.
 */
export function withActiveDefault(resource: ScimResource): ScimResource {
  return resource['active'] === undefined || resource['active'] === null ? { ...resource, active: true } : resource;
}
