/**
 * Translates operations on a delta attribute (group `members`) into a `MembershipDelta` without
 * reading or writing the resource (RFC 7644 §3.5.2 on `members`, docs/clients.md §2.3, §3.3):
 * add → add ids; remove with a value list or `members[value eq "x"]` (or several `value eq` terms
 * joined by `or`) → remove ids; remove without either, or replace → the replacement set.
 */
import type { Filter } from '../filter/nodes.ts';
import { getIgnoreCase, isPlainObject } from '../json.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import { badRequest } from '../scim-error.ts';
import type { AttributeHome, PatchContext } from './context.ts';
import { createDeltaBuilder, deltaAdd, deltaRemove, deltaReplace, type DeltaBuilder } from './membership-delta.ts';
import type { AttributeTarget } from './resolve-target.ts';
import type { MemberRef } from './types.ts';

/** True when `home` names one of the `deltaAttributes` (plain or URN-qualified, any case). */
export function isDeltaAttribute(context: PatchContext, home: AttributeHome): boolean {
  if (context.deltaNames.size === 0) return false;
  const name = home.attribute.name.toLowerCase();
  return context.deltaNames.has(name) || context.deltaNames.has(`${home.schemaId.toLowerCase()}:${name}`);
}

function builderFor(context: PatchContext, home: AttributeHome): DeltaBuilder {
  const name = home.attribute.name;
  let builder = context.deltas.get(name);
  if (builder === undefined) {
    builder = createDeltaBuilder();
    context.deltas.set(name, builder);
  }
  return builder;
}

const MEMBER_TYPES: Readonly<Record<string, MemberRef['type']>> = { user: 'User', group: 'Group' };

/** One member reference from a client value; `$ref` (Entra sends `null`) is not stored. */
function toMemberRef(item: unknown, label: string, strict: boolean): MemberRef {
  if (typeof item === 'string' && !strict && item !== '') return { value: item };
  if (!isPlainObject(item)) throw badRequest('invalidValue', `"${label}" values must be objects like {"value": "<id>"}, got ${describeValue(item)}`);
  const value = getIgnoreCase(item, 'value');
  if (typeof value !== 'string' || value === '') {
    throw badRequest('invalidValue', `Each "${label}" value needs a non-empty string "value" (the member's id), got ${describeValue(value)}`);
  }
  const type = getIgnoreCase(item, 'type');
  const display = getIgnoreCase(item, 'display');
  const memberType = typeof type === 'string' ? MEMBER_TYPES[type.toLowerCase()] : undefined;
  if (type !== undefined && type !== null && memberType === undefined) {
    throw badRequest('invalidValue', `"${label}.type" must be "User" or "Group", got ${describeValue(type)}`);
  }
  return {
    value,
    ...(memberType === undefined ? {} : { type: memberType }),
    ...(typeof display === 'string' ? { display } : {}),
  };
}

/** The member references in an add/replace/remove value (a single object is wrapped unless strict). */
export function toMemberRefs(value: unknown, label: string, strict: boolean): MemberRef[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) && strict) {
    throw badRequest('invalidValue', `"${label}" needs an array of members, got ${describeValue(value)}`);
  }
  return (Array.isArray(value) ? value : [value]).filter((item) => item !== null).map((item) => toMemberRef(item, label, strict));
}

function collectIds(filter: Filter, out: string[]): boolean {
  if (filter.kind === 'or') return collectIds(filter.left, out) && collectIds(filter.right, out);
  const byValue =
    filter.kind === 'compare' && filter.op === 'eq' && typeof filter.value === 'string' &&
    filter.path.attribute.toLowerCase() === 'value' && filter.path.subAttribute === undefined;
  if (byValue) out.push(filter.value as string);
  return byValue;
}

/** The member ids a removal filter names; anything but `value eq "…"` terms is 400 `invalidFilter`. */
export function memberIdsFromFilter(filter: Filter, label: string): string[] {
  const ids: string[] = [];
  if (!collectIds(filter, ids)) {
    throw badRequest(
      'invalidFilter',
      `"${label}": members can only be selected by id, as "value eq" terms joined by "or" (e.g. members[value eq "2819c223"])`,
    );
  }
  return ids;
}

/** Applies one operation on a delta attribute to its builder. */
export function applyDeltaOperation(
  context: PatchContext,
  target: AttributeTarget,
  op: 'add' | 'replace' | 'remove',
  value: unknown,
): void {
  const name = target.attribute.name;
  if (target.subAttribute !== undefined) {
    throw badRequest('invalidPath', `"${target.label}": sub-attributes of "${name}" cannot be patched; add or remove whole members`);
  }
  const builder = builderFor(context, target);
  if (target.filter !== undefined) {
    if (op !== 'remove') {
      throw badRequest('invalidPath', `"${target.label}": a value filter on "${name}" is supported only with "remove"`);
    }
    return deltaRemove(builder, memberIdsFromFilter(target.filter, target.label));
  }
  if (op === 'add') return deltaAdd(builder, toMemberRefs(value, name, context.strict));
  if (op === 'replace') return deltaReplace(builder, toMemberRefs(value, name, context.strict));
  if (value === undefined || value === null) return deltaReplace(builder, []);
  deltaRemove(builder, toMemberRefs(value, name, context.strict).map((member) => member.value));
}
