/**
 * add / replace / remove on a path without a value filter (RFC 7644 §3.5.2.1–§3.5.2.3): `attr` and
 * `attr.sub`. Single-valued attributes are set (so `add` acts as replace, docs/clients.md §2.7),
 * complex ones merged, multi-valued ones appended to (add) or replaced as a whole (replace).
 */
import { getIgnoreCase, isPlainObject } from '../json.ts';
import { badRequest } from '../scim-error.ts';
import { readAttribute, writeAttribute, type PatchContext } from './context.ts';
import { coerceComplex, coercePatchElements, coerceSimple } from './coerce-value.ts';
import { asList, mergeComplex, orUnassigned, withSub } from './complex-values.ts';
import { jsonEqual } from './json-values.ts';
import { appendElements, enforceSinglePrimary, removeElements } from './multi-valued.ts';
import { assertImmutableAllows } from './mutability.ts';
import type { AttributeTarget } from './resolve-target.ts';

type Write = 'add' | 'replace';

function writeMultiValued(context: PatchContext, target: AttributeTarget, op: Write, current: unknown, value: unknown): void {
  const items = coercePatchElements(value, target.attribute, target.label, context.strict);
  const { list, written } = appendElements(op === 'add' ? asList(current) : [], items, target.attribute);
  const next = orUnassigned(enforceSinglePrimary(list, written, target.attribute, context.strict));
  assertImmutableAllows(target.label, target.attribute, orUnassigned(asList(current)), next);
  writeAttribute(context, target, next);
}

/**
 * A complex value is merged into the current one, except that a new `value` (a manager who is
 * someone else) starts from scratch: the old `$ref` and `displayName` described the old value.
 */
function writeComplex(context: PatchContext, target: AttributeTarget, op: Write, current: unknown, value: unknown): void {
  const incoming = coerceComplex(value, target.attribute, target.label, context.strict);
  const before = isPlainObject(current) ? current : {};
  const newValue = incoming['value'];
  const oldValue = getIgnoreCase(before, 'value');
  const replacesReference = newValue !== undefined && newValue !== null && oldValue !== undefined && !jsonEqual(oldValue, newValue);
  const next = mergeComplex(replacesReference ? {} : before, incoming, op);
  for (const sub of target.attribute.subAttributes ?? []) {
    assertImmutableAllows(`${target.label}.${sub.name}`, sub, getIgnoreCase(before, sub.name), getIgnoreCase(next, sub.name));
  }
  writeAttribute(context, target, orUnassigned(next));
}

/** add or replace on `attr` (no sub-attribute, no filter). */
export function writeWholeAttribute(context: PatchContext, target: AttributeTarget, op: Write, value: unknown): void {
  const current = readAttribute(context.resource, target);
  if (value === null) {
    if (op === 'replace') removeWholeAttribute(context, target, undefined);
    return;
  }
  if (target.attribute.multiValued) return writeMultiValued(context, target, op, current, value);
  if (target.attribute.type === 'complex') return writeComplex(context, target, op, current, value);
  const next = coerceSimple(value, target.attribute, target.label, context.strict);
  assertImmutableAllows(target.label, target.attribute, current, next);
  writeAttribute(context, target, next);
}

/**
 * remove on `attr`. With a `value` list on a multi-valued attribute only the listed values go
 * (Entra's member-removal shape, docs/clients.md §2.7); otherwise the attribute is unassigned.
 */
export function removeWholeAttribute(context: PatchContext, target: AttributeTarget, value: unknown): void {
  const current = readAttribute(context.resource, target);
  if (target.attribute.multiValued && value !== undefined && value !== null) {
    const items = coercePatchElements(value, target.attribute, target.label, context.strict);
    const next = orUnassigned(removeElements(asList(current), items, target.attribute));
    assertImmutableAllows(target.label, target.attribute, orUnassigned(asList(current)), next);
    writeAttribute(context, target, next);
    return;
  }
  assertImmutableAllows(target.label, target.attribute, current, undefined);
  writeAttribute(context, target, undefined);
}

function subValue(context: PatchContext, target: AttributeTarget, op: Write | 'remove', value: unknown): unknown {
  const sub = target.subAttribute;
  if (sub === undefined || op === 'remove' || value === null) return undefined;
  return coerceSimple(value, sub, target.label, context.strict);
}

/** `attr.sub` on every element of a multi-valued attribute; with none, add/replace creates one. */
function writeSubOfEach(context: PatchContext, target: AttributeTarget, next: unknown): void {
  const sub = target.subAttribute!;
  let elements = asList(readAttribute(context.resource, target));
  if (elements.length === 0 && next !== undefined) {
    if (context.strict) throw badRequest('noTarget', `"${target.label}": "${target.attribute.name}" has no values to set "${sub.name}" on`);
    elements = [{}];
  }
  for (const element of elements) {
    assertImmutableAllows(target.label, sub, isPlainObject(element) ? getIgnoreCase(element, sub.name) : undefined, next);
  }
  const updated = elements.map((element) => withSub(element, sub.name, next)).filter((element) => orUnassigned(element));
  const written = sub.name === 'primary' && next === true ? updated.slice(-1) : [];
  writeAttribute(context, target, orUnassigned(enforceSinglePrimary(updated, written, target.attribute, false)));
}

/** add / replace / remove on `attr.sub` (RFC 7644 §3.5.2; a `null` value on replace unassigns). */
export function applyToSubAttribute(context: PatchContext, target: AttributeTarget, op: Write | 'remove', value: unknown): void {
  const sub = target.subAttribute!;
  if (op === 'add' && value === null) return;
  const next = subValue(context, target, op, value);
  if (target.attribute.multiValued) return writeSubOfEach(context, target, next);
  const current = readAttribute(context.resource, target);
  const before = isPlainObject(current) ? getIgnoreCase(current, sub.name) : undefined;
  assertImmutableAllows(target.label, sub, before, next);
  writeAttribute(context, target, orUnassigned(withSub(current, sub.name, next)));
}
