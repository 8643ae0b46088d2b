/** The Enterprise User extension (RFC 7643 §4.3, representation in §8.7.1). */
import { URN } from '../urns.ts';
import { defineAttribute, defineComplex } from './define.ts';
import type { SchemaDefinition } from './types.ts';

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = Object.freeze({
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: Object.freeze([
    defineAttribute('employeeNumber'),
    defineAttribute('costCenter'),
    defineAttribute('organization'),
    defineAttribute('division'),
    defineAttribute('department'),
    defineComplex('manager', [
      defineAttribute('value'),
      defineAttribute('$ref', { type: 'reference', referenceTypes: ['User'] }),
      defineAttribute('displayName', { mutability: 'readOnly' }),
    ]),
  ]),
});
