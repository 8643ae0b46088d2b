/**
 * A compact way to write attribute definitions with the defaults of RFC 7643 §2.2: not required,
 * not case-exact, readWrite, returned by default, no uniqueness, string, single-valued.
 */
import type { AttributeDefinition } from './types.ts';

type Overrides = Partial<Omit<AttributeDefinition, 'name'>>;

/** Builds a frozen attribute definition from its name and the characteristics that differ. */
export function defineAttribute(name: string, overrides: Overrides = {}): AttributeDefinition {
  const definition: AttributeDefinition = {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  };
  return Object.freeze(definition);
}

/** A complex attribute with the given sub-attributes. */
export function defineComplex(
  name: string,
  subAttributes: readonly AttributeDefinition[],
  overrides: Overrides = {},
): AttributeDefinition {
  return defineAttribute(name, { ...overrides, type: 'complex', subAttributes: Object.freeze([...subAttributes]) });
}

/**
 * The usual shape of a multi-valued complex attribute (RFC 7643 §2.4): `value`, `display`, `type`,
 * `primary`, with the value's own type and the canonical `type` values.
 */
export function defineMultiValued(
  name: string,
  options: { valueType?: AttributeDefinition['type']; types?: readonly string[]; referenceTypes?: readonly string[] } = {},
): AttributeDefinition {
  const value = defineAttribute('value', {
    type: options.valueType ?? 'string',
    ...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
  });
  return defineComplex(
    name,
    [
      value,
      defineAttribute('display'),
      defineAttribute('type', options.types ? { canonicalValues: options.types } : {}),
      defineAttribute('primary', { type: 'boolean' }),
    ],
    { multiValued: true },
  );
}
