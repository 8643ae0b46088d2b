/**
 * The end of a PATCH: empty extension objects are dropped and `schemas` lists exactly the touched
 * extensions that hold data (RFC 7643 §3), required attributes must not have been removed, and the
 * result reports which attributes changed and the membership deltas.
 */
import { findKey, isPlainObject } from '../json.ts';
import type { ScimResource } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';
import { qualifiedName, readAttribute, type PatchContext } from './context.ts';
import { isEmptyValue, jsonEqual } from './json-values.ts';
import { finishDelta, isEmptyDelta } from './membership-delta.ts';
import type { MembershipDelta, PatchResult } from './types.ts';

function syncSchemasList(resource: ScimResource, urn: string, present: boolean): void {
  const list = resource['schemas'];
  if (!Array.isArray(list)) return;
  const index = list.findIndex((item) => typeof item === 'string' && item.toLowerCase() === urn.toLowerCase());
  if (present && index < 0) list.push(urn);
  if (!present && index >= 0) list.splice(index, 1);
}

function tidyExtensions(context: PatchContext): void {
  const touched = new Set([...context.touched.values()].filter((home) => home.extension).map((home) => home.schemaId));
  for (const urn of touched) {
    const key = findKey(context.resource, urn);
    const container = key === undefined ? undefined : context.resource[key];
    const present = isPlainObject(container) && !isEmptyValue(container);
    if (key !== undefined && !present) delete context.resource[key];
    syncSchemasList(context.resource, urn, present);
  }
}

function changedAttributes(context: PatchContext, original: ScimResource): string[] {
  const changed: string[] = [];
  for (const [name, home] of context.touched) {
    const before = readAttribute(original, home);
    const after = readAttribute(context.resource, home);
    if (home.attribute.required && before !== undefined && after === undefined) {
      throw badRequest('invalidValue', `Attribute "${qualifiedName(home)}" is required and cannot be removed`);
    }
    if (!jsonEqual(before, after)) changed.push(name);
  }
  return changed;
}

/** Builds the `PatchResult` once every operation has been applied to the working copy. */
export function finishPatch(context: PatchContext, original: ScimResource): PatchResult {
  tidyExtensions(context);
  const changed = changedAttributes(context, original);
  const deltas: Record<string, MembershipDelta> = {};
  for (const [name, builder] of context.deltas) {
    if (isEmptyDelta(builder)) continue;
    deltas[name] = finishDelta(builder);
    changed.push(name);
  }
  return { resource: context.resource, changed: changed.length > 0, changedAttributes: changed, deltas };
}
