/** The core Group schema (RFC 7643 §4.2, representation in §8.7.1). */
import { URN } from '../urns.ts';
import { defineAttribute, defineComplex } from './define.ts';
import type { SchemaDefinition } from './types.ts';

/**
 * `displayName` is REQUIRED per §4.2's text (the §8.7.1 listing says otherwise; the text wins and
 * both Entra and Okta always send it). `members.display` is not in §8.7.1 but clients send it
 * (Okta) and §4.2 mentions it for display purposes.
 */
export const GROUP_SCHEMA: SchemaDefinition = Object.freeze({
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: Object.freeze([
    defineAttribute('displayName', { required: true }),
    defineComplex(
      'members',
      [
        defineAttribute('value', { mutability: 'immutable' }),
        defineAttribute('$ref', { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'immutable' }),
        defineAttribute('type', { canonicalValues: ['User', 'Group'], mutability: 'immutable' }),
        defineAttribute('display', { mutability: 'immutable' }),
      ],
      { multiValued: true },
    ),
  ]),
});
