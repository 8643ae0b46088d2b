/**
 * The state one `applyPatch` call works on: a private copy of the resource, the switches, which
 * attributes were touched (for `changedAttributes`) and the membership deltas being built. Also the
 * only code that knows where an attribute lives in the resource JSON: core and common attributes at
 * the top, extension attributes under their schema URN (RFC 7643 §3.3).
 */
import { findKey, isPlainObject } from '../json.ts';
import type { AttributeDefinition, ResourceSchemas, ScimResource } from '../schema/types.ts';
import type { DeltaBuilder } from './membership-delta.ts';

/** Where a top-level attribute lives: its schema and whether that schema is an extension. */
export interface AttributeHome {
  readonly schemaId: string;
  readonly extension: boolean;
  readonly attribute: AttributeDefinition;
}

export interface PatchContext {
  readonly schemas: ResourceSchemas;
  readonly strict: boolean;
  /** The working copy; operations mutate it, the caller's resource is never touched. */
  readonly resource: ScimResource;
  /** The `id` of the resource before the PATCH, for Okta's rename shape (docs/clients.md B-O9). */
  readonly originalId: unknown;
  /** Attributes an operation wrote, keyed by their qualified name. */
  readonly touched: Map<string, AttributeHome>;
  /** Lower-cased names (plain and URN-qualified) of the attributes handled as deltas. */
  readonly deltaNames: ReadonlySet<string>;
  readonly deltas: Map<string, DeltaBuilder>;
}

/** `userName` for core attributes, `urn:…:enterprise:2.0:User:manager` for extension ones. */
export function qualifiedName(home: AttributeHome): string {
  return home.extension ? `${home.schemaId}:${home.attribute.name}` : home.attribute.name;
}

function containerOf(resource: ScimResource, home: AttributeHome): Record<string, unknown> | undefined {
  if (!home.extension) return resource;
  const key = findKey(resource, home.schemaId);
  const container = key === undefined ? undefined : resource[key];
  return isPlainObject(container) ? container : undefined;
}

/** The current value of a top-level attribute in `resource` (names matched case-insensitively). */
export function readAttribute(resource: ScimResource, home: AttributeHome): unknown {
  const container = containerOf(resource, home);
  if (container === undefined) return undefined;
  const key = findKey(container, home.attribute.name);
  return key === undefined ? undefined : container[key];
}

function ensureContainer(context: PatchContext, home: AttributeHome): Record<string, unknown> {
  const existing = containerOf(context.resource, home);
  if (existing) return existing;
  const key = findKey(context.resource, home.schemaId) ?? home.schemaId;
  const created: Record<string, unknown> = {};
  context.resource[key] = created;
  return created;
}

/**
 * Sets (or, with `undefined`, removes) a top-level attribute in the working copy under its schema
 * spelling, dropping any differently-cased key the client stored before, and records it as touched.
 */
export function writeAttribute(context: PatchContext, home: AttributeHome, value: unknown): void {
  context.touched.set(qualifiedName(home), home);
  const container = value === undefined ? containerOf(context.resource, home) : ensureContainer(context, home);
  if (container === undefined) return;
  const key = findKey(container, home.attribute.name);
  // Assigning in place keeps the attribute's position in the JSON; only a differently-cased key moves.
  if (key !== undefined && (value === undefined || key !== home.attribute.name)) delete container[key];
  if (value !== undefined) container[home.attribute.name] = value;
}
