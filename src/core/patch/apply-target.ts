/**
 * Dispatches one operation on a resolved target (RFC 7644 §3.5.2): a whole extension, a delta
 * attribute, a value-filtered path, `attr.sub` or `attr`; and a no-path value as the list of
 * attributes it names.
 */
import { isPlainObject } from '../json.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import type { SchemaDefinition } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';
import { applyToSubAttribute, removeWholeAttribute, writeWholeAttribute } from './attribute-ops.ts';
import { readAttribute, writeAttribute, type PatchContext } from './context.ts';
import { applyDeltaOperation, isDeltaAttribute } from './delta-ops.ts';
import { applyFiltered } from './filter-ops.ts';
import { assertImmutableAllows, assertNotReadOnly } from './mutability.ts';
import { noPathEntries } from './no-path.ts';
import type { PatchTarget } from './resolve-target.ts';
import type { PatchOpName } from './types.ts';

/** remove on a bare extension URN unassigns every attribute of that extension. */
function removeExtension(context: PatchContext, schema: SchemaDefinition): void {
  for (const attribute of schema.attributes) {
    const home = { schemaId: schema.id, extension: true, attribute };
    const current = readAttribute(context.resource, home);
    if (current === undefined) continue;
    assertImmutableAllows(`${schema.id}:${attribute.name}`, attribute, current, undefined);
    writeAttribute(context, home, undefined);
  }
}

function applyToExtension(context: PatchContext, schema: SchemaDefinition, op: PatchOpName, value: unknown): void {
  if (op === 'remove' || (op === 'replace' && value === null)) return removeExtension(context, schema);
  if (value === null) return;
  if (!isPlainObject(value)) {
    throw badRequest('invalidValue', `The value for extension "${schema.id}" must be an object of its attributes, got ${describeValue(value)}`);
  }
  applyNoPath(context, op, value, schema);
}

/** Applies `op` with `value` to `target`. */
export function applyTarget(context: PatchContext, target: PatchTarget, op: PatchOpName, value: unknown): void {
  if (target.kind === 'extension') return applyToExtension(context, target.schema, op, value);
  if (isDeltaAttribute(context, target)) return applyDeltaOperation(context, target, op, value);
  assertNotReadOnly(target);
  if (target.filter !== undefined) return applyFiltered(context, target, op, value);
  if (target.subAttribute !== undefined) return applyToSubAttribute(context, target, op, value);
  if (op === 'remove') return removeWholeAttribute(context, target, value);
  writeWholeAttribute(context, target, op, value);
}

/** add/replace without a path: each attribute of the value, in order (RFC 7644 §3.5.2.1, §3.5.2.3). */
export function applyNoPath(context: PatchContext, op: 'add' | 'replace', value: unknown, scope?: SchemaDefinition): void {
  for (const entry of noPathEntries(context, op, value, scope)) applyTarget(context, entry.target, op, entry.value);
}
