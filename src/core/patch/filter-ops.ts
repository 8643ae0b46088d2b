/**
 * Operations on a value-filtered path, `attr[filter]` and `attr[filter].sub` (RFC 7644 §3.5.2).
 * Matching elements are updated or removed; unmatched siblings stay. When add/replace matches
 * nothing, the element is created from the filter's `eq` terms — Entra's `emails[type eq "work"]
 * .value` upsert (docs/clients.md S9) — so several sub-attribute operations on the same filter end
 * up in one element. Strict mode answers 400 `noTarget` instead.
 */
import type { Filter } from '../filter/nodes.ts';
import { getIgnoreCase, isPlainObject } from '../json.ts';
import type { AttributeDefinition } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';
import { readAttribute, writeAttribute, type PatchContext } from './context.ts';
import { coerceComplex, coerceSimple, withoutNulls } from './coerce-value.ts';
import { asList, mergeComplex, orUnassigned, withSub } from './complex-values.ts';
import { matchElement, filterOperandDefinition } from './match-element.ts';
import { enforceSinglePrimary } from './multi-valued.ts';
import { assertImmutableAllows } from './mutability.ts';
import type { AttributeTarget } from './resolve-target.ts';

type Op = 'add' | 'replace' | 'remove';

function collectEqualities(filter: Filter, attribute: AttributeDefinition, out: Record<string, unknown>): boolean {
  if (filter.kind === 'and') {
    return collectEqualities(filter.left, attribute, out) && collectEqualities(filter.right, attribute, out);
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return false;
  const definition = filterOperandDefinition(attribute, filter.path.attribute);
  if (definition === undefined) return false;
  out[definition === attribute ? 'value' : definition.name] = coerceSimple(filter.value, definition, filter.path.attribute, false);
  return true;
}

/** The element a filter of `eq` terms joined by `and` describes, e.g. `{ type: 'work' }`. */
export function elementFromFilter(target: AttributeTarget): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  if (!collectEqualities(target.filter!, target.attribute, seed)) {
    throw badRequest(
      'noTarget',
      `"${target.label}" matched no value, and its filter is not a set of "eq" terms joined by "and" from which one could be created`,
    );
  }
  return seed;
}

/** The new version of one matched element. */
function updateElement(context: PatchContext, target: AttributeTarget, op: Op, element: unknown, value: unknown): unknown {
  const sub = target.subAttribute;
  if (sub !== undefined) {
    const next = op === 'remove' || value === null ? undefined : coerceSimple(value, sub, target.label, context.strict);
    assertImmutableAllows(target.label, sub, isPlainObject(element) ? getIgnoreCase(element, sub.name) : undefined, next);
    return withSub(element, sub.name, next);
  }
  if (op === 'remove') return undefined;
  if (target.attribute.type !== 'complex') return coerceSimple(value, target.attribute, target.label, context.strict);
  return mergeComplex(element, coerceComplex(value, target.attribute, target.label, context.strict), op);
}

function createElement(context: PatchContext, target: AttributeTarget, value: unknown): unknown {
  const seed = elementFromFilter(target);
  const sub = target.subAttribute;
  if (sub !== undefined) return { ...seed, [sub.name]: coerceSimple(value, sub, target.label, context.strict) };
  if (target.attribute.type !== 'complex') return coerceSimple(value, target.attribute, target.label, context.strict);
  return { ...seed, ...withoutNulls(coerceComplex(value, target.attribute, target.label, context.strict)) };
}

function noMatch(context: PatchContext, target: AttributeTarget, op: Op, elements: unknown[], value: unknown): void {
  if (context.strict) throw badRequest('noTarget', `"${target.label}" matched no value of "${target.attribute.name}"`);
  // Removing what is not there is already done (docs/clients.md B-O13); a null adds nothing.
  if (op === 'remove' || value === null) return;
  const element = createElement(context, target, value);
  const list = enforceSinglePrimary([...elements, element], [element], target.attribute, false);
  writeAttribute(context, target, list);
}

/** add / replace / remove on `attr[filter]` or `attr[filter].sub`. */
export function applyFiltered(context: PatchContext, target: AttributeTarget, op: Op, value: unknown): void {
  if (op === 'add' && value === null) return;
  const elements = asList(readAttribute(context.resource, target));
  const matched = elements.map((element) => matchElement(target.filter!, element, target.attribute, context.strict));
  if (!matched.includes(true)) return noMatch(context, target, op, elements, value);
  const written: unknown[] = [];
  const updated = elements.map((element, index) => {
    if (!matched[index]) return element;
    const next = updateElement(context, target, op, element, value);
    written.push(next);
    return next;
  });
  const kept = updated.filter((element) => orUnassigned(element) !== undefined);
  writeAttribute(context, target, orUnassigned(enforceSinglePrimary(kept, written, target.attribute, context.strict)));
}
