/**
 * Mutability rules for PATCH (RFC 7643 §2.2 "mutability", RFC 7644 §3.5.2): readOnly attributes
 * cannot be targeted at all; immutable ones may be set while they have no value and never changed
 * or removed afterwards. Violations are 400 `mutability` naming the attribute.
 */
import type { AttributeDefinition } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';
import { qualifiedName } from './context.ts';
import { jsonEqual } from './json-values.ts';
import type { AttributeTarget } from './resolve-target.ts';

/** Rejects an operation whose path names a readOnly attribute or sub-attribute (`id`, `meta.created` …). */
export function assertNotReadOnly(target: AttributeTarget): void {
  const name = qualifiedName(target);
  if (target.attribute.mutability === 'readOnly') {
    throw badRequest('mutability', `Attribute "${name}" is readOnly and cannot be modified`);
  }
  if (target.subAttribute?.mutability === 'readOnly') {
    throw badRequest('mutability', `Attribute "${name}.${target.subAttribute.name}" is readOnly and cannot be modified`);
  }
}

/**
 * Allows writing `next` (or removing, with `undefined`) over `current` unless `definition` is
 * immutable and already holds a different value.
 */
export function assertImmutableAllows(
  label: string,
  definition: AttributeDefinition,
  current: unknown,
  next: unknown,
): void {
  if (definition.mutability !== 'immutable' || current === undefined || current === null) return;
  if (next !== undefined && jsonEqual(current, next)) return;
  throw badRequest('mutability', `Attribute "${label}" is immutable and already has a value; it cannot be changed or removed`);
}
