/**
 * Attributes every resource carries regardless of its schema (RFC 7643 §3.1): `id`, `externalId`,
 * `meta`, plus `schemas` (RFC 7643 §3) so filters like `schemas eq "urn:…"` resolve.
 */
import { defineAttribute, defineComplex } from './define.ts';
import type { AttributeDefinition } from './types.ts';

export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = Object.freeze([
  defineAttribute('schemas', {
    type: 'reference',
    referenceTypes: ['uri'],
    multiValued: true,
    required: true,
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
  }),
  defineAttribute('id', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  defineAttribute('externalId', { caseExact: true }),
  defineComplex(
    'meta',
    [
      defineAttribute('resourceType', { caseExact: true, mutability: 'readOnly' }),
      defineAttribute('created', { type: 'dateTime', mutability: 'readOnly' }),
      defineAttribute('lastModified', { type: 'dateTime', mutability: 'readOnly' }),
      defineAttribute('location', { type: 'reference', referenceTypes: ['uri'], caseExact: true, mutability: 'readOnly' }),
      defineAttribute('version', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
]);
