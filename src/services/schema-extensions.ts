/**
 * An organization's extension schemas (RFC 7643 §7, §3.3): register or replace one (checked with
 * the core's `validateSchemaDefinition`, attached to the User or Group resource type, optionally
 * required), list, read, and remove them. A schema that stored resources use is removed only when
 * forced, and then its data leaves every resource in the same transaction, each resource's change
 * recorded in the revision history like any other. Every change to a schema is recorded too.
 */
import { createSchemaRegistry, validateSchemaDefinition } from '../core/schema/registry.ts';
import type { SchemaDefinition, ScimResource } from '../core/schema/types.ts';
import { ScimError } from '../core/scim-error.ts';
import type { ExtensionResourceType, SchemaExtensionRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { diffResources, hiddenAttributesOf, type HiddenAttributes } from './changes.ts';
import type { OperationContext } from './context.ts';
import { recordChange } from './record-change.ts';
import { unwrapWrite } from './scim-users.ts';

/** A registered extension schema as admins see it: the definition plus its place and version. */
export interface SchemaExtensionView extends SchemaDefinition {
  readonly resourceType: ExtensionResourceType;
  readonly required: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What `remove` did. */
export interface SchemaRemoval {
  readonly id: string;
  /** How many users or groups lost their data under the schema (0 unless forced). */
  readonly resourcesChanged: number;
}

export interface SchemaExtensionServiceDeps {
  readonly store: Store;
  /** Called after an organization's schemas changed (the registry cache forgets it). */
  readonly onChange?: (orgId: string) => void;
}

const invalid = (detail: string): ScimError => new ScimError(400, 'invalidValue', detail);
const notFound = (urn: string): ScimError => new ScimError(404, undefined, `Schema "${urn}" is not registered in this organization`);
const BATCH = 500;

/** The view of a stored schema. */
export function schemaViewOf(record: SchemaExtensionRecord): SchemaExtensionView {
  return { ...record.definition, resourceType: record.resourceType, required: record.required, version: record.version, createdAt: record.createdAt, updatedAt: record.updatedAt };
}

/**
 * Splits a PUT body into the definition and its placement: `resourceType` (`User` by default) and
 * `required` (false by default). The id comes from the path; a body `id` must name the same URN.
 */
export function parseSchemaBody(urn: string, body: Readonly<Record<string, unknown>>): { definition: SchemaDefinition; resourceType: ExtensionResourceType; required: boolean } {
  const { resourceType = 'User', required = false, id, version: _v, createdAt: _c, updatedAt: _u, meta: _m, schemas: _s, ...rest } = body;
  if (resourceType !== 'User' && resourceType !== 'Group') throw invalid(`resourceType must be "User" or "Group", got ${JSON.stringify(resourceType)}`);
  if (typeof required !== 'boolean') throw invalid(`required must be true or false, got ${JSON.stringify(required)}`);
  if (id !== undefined && (typeof id !== 'string' || id.toLowerCase() !== urn.toLowerCase())) {
    throw invalid(`Schema id ${JSON.stringify(id)} differs from the URN in the path "${urn}"`);
  }
  const definition = validateSchemaDefinition({ name: lastSegment(urn), ...rest, id: typeof id === 'string' ? id : urn });
  return { definition, resourceType, required };
}

/** `CustomExtensionName` of `urn:…:CustomExtensionName:2.0:User`: the default schema name. */
function lastSegment(urn: string): string {
  const parts = urn.split(':');
  const named = parts.filter((p) => /^[A-Za-z]/.test(p) && !['urn', 'ietf', 'params', 'scim', 'schemas', 'extension', 'User', 'Group'].includes(p));
  return named.at(-1) ?? urn;
}

/** The resource without the extension `urn` (its block and its `schemas` entry). */
export function withoutExtension(resource: ScimResource, urn: string): ScimResource {
  const lc = urn.toLowerCase();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() === lc) continue;
    out[key] = key === 'schemas' && Array.isArray(value) ? value.filter((s) => typeof s !== 'string' || s.toLowerCase() !== lc) : value;
  }
  return out as ScimResource;
}

async function audit(tx: Store, ctx: OperationContext, action: string, urn: string, changes: unknown): Promise<void> {
  await tx.auditEvents.append(ctx.orgId, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action,
    resourceType: 'Schema',
    resourceId: urn,
    requestId: ctx.requestId ?? null,
    sourceIp: ctx.sourceIp ?? null,
    changes,
  });
}

/** Removes the extension's data from one user or group, with its history entry and outbox event. */
async function stripOne(tx: Store, ctx: OperationContext, record: SchemaExtensionRecord, id: string, hidden: HiddenAttributes): Promise<void> {
  const { resourceType, id: urn } = record;
  if (resourceType === 'User') {
    const before = await tx.users.get(ctx.orgId, id);
    if (!before) return;
    const after = unwrapWrite(await tx.users.replace(ctx.orgId, id, withoutExtension(before.resource, urn), { expectedVersion: before.version, current: before }), 'User', id);
    await recordChange(tx, ctx, {
      action: 'user.updated',
      resourceType: 'User',
      resourceId: id,
      changes: diffResources(before.resource, after.resource, hidden),
      event: { userName: after.userName, externalId: after.externalId, active: after.active },
    });
    return;
  }
  const before = await tx.groups.get(ctx.orgId, id);
  if (!before) return;
  const after = unwrapWrite(await tx.groups.replace(ctx.orgId, id, withoutExtension(before.resource, urn), { expectedVersion: before.version }), 'Group', id);
  await recordChange(tx, ctx, {
    action: 'group.updated',
    resourceType: 'Group',
    resourceId: id,
    changes: diffResources(before.resource, after.resource, hidden),
    event: { displayName: after.displayName, externalId: after.externalId },
  });
}

/** Creates the extension-schema service over a store. */
export function createSchemaExtensionService(deps: SchemaExtensionServiceDeps) {
  const { store } = deps;

  async function find(tx: Store, orgId: string, urn: string): Promise<SchemaExtensionRecord> {
    const record = await tx.schemaExtensions.get(orgId, urn);
    if (!record) throw notFound(urn);
    return record;
  }

  return {
    /** The organization's extension schemas, ordered by URN. */
    async list(orgId: string): Promise<SchemaExtensionView[]> {
      return (await store.schemaExtensions.list(orgId)).map(schemaViewOf);
    },

    /** One schema, or 404. */
    async get(orgId: string, urn: string): Promise<SchemaExtensionView> {
      return schemaViewOf(await find(store, orgId, urn));
    },

    /**
     * Registers or replaces the schema `urn` (400 `invalidValue` naming the field for a bad
     * definition; 409 when moving a schema that resources use to the other resource type).
     */
    async put(ctx: OperationContext, urn: string, body: Readonly<Record<string, unknown>>): Promise<{ view: SchemaExtensionView; created: boolean }> {
      const input = parseSchemaBody(urn, body);
      const result = await store.transaction(async (tx) => {
        const before = await tx.schemaExtensions.get(ctx.orgId, urn);
        const others = (await tx.schemaExtensions.list(ctx.orgId)).filter((r) => r.id.toLowerCase() !== urn.toLowerCase());
        // The registry the organization would have must still build (no clash with another id).
        createSchemaRegistry({ userExtensions: [...others.map((r) => r.definition), input.definition] });
        if (before && before.resourceType !== input.resourceType) {
          const using = await tx.schemaExtensions.countUsing(ctx.orgId, before.resourceType, before.id);
          if (using > 0) throw new ScimError(409, undefined, `Schema "${before.id}" extends ${before.resourceType} and ${using} ${before.resourceType.toLowerCase()}(s) hold data under it; remove it first (force=true deletes the data)`);
        }
        const written = await tx.schemaExtensions.put(ctx.orgId, { id: input.definition.id, ...input }, before ? { expectedVersion: before.version } : {});
        if (written.status !== 'ok') throw new ScimError(409, undefined, `Schema "${urn}" was changed concurrently; try again`);
        const after = schemaViewOf(written.record);
        await audit(tx, ctx, before ? 'schema.replaced' : 'schema.created', after.id, { before: before ? schemaViewOf(before) : null, after });
        return { view: after, created: !before };
      });
      deps.onChange?.(ctx.orgId);
      return result;
    },

    /**
     * Creates the expression index for `eq` filters on one registered string attribute
     * (`urn:…:attribute`), shared by every organization using the same URN; 400 for an attribute
     * an index cannot serve (not registered, complex, multi-valued or not a string).
     */
    async indexAttribute(orgId: string, path: string): Promise<{ readonly index: string; readonly attribute: string }> {
      const records = await store.schemaExtensions.list(orgId);
      const record = records.find((r) => path.toLowerCase().startsWith(`${r.id.toLowerCase()}:`));
      if (!record) throw invalid(`${path} is not an attribute of a schema registered in this organization; write urn:…:attribute`);
      const name = path.slice(record.id.length + 1);
      const attribute = record.definition.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
      if (!attribute) throw invalid(`Schema "${record.id}" has no attribute "${name}"`);
      if (attribute.multiValued || !['string', 'reference'].includes(attribute.type) || attribute.returned === 'never') {
        throw invalid(`${record.id}:${attribute.name} cannot be indexed: only single-valued string attributes that are returned are`);
      }
      const index = await store.schemaExtensions.ensureIndex(record.resourceType, record.id, attribute.name, attribute.caseExact);
      return { index, attribute: `${record.id}:${attribute.name}` };
    },

    /**
     * Removes the schema. While users or groups hold data under it: 409, unless `force`, which
     * removes that data from each of them in the same transaction and records every change.
     */
    async remove(ctx: OperationContext, urn: string, options: { readonly force?: boolean } = {}): Promise<SchemaRemoval> {
      const removal = await store.transaction(async (tx) => {
        const record = await find(tx, ctx.orgId, urn);
        const using = await tx.schemaExtensions.countUsing(ctx.orgId, record.resourceType, record.id);
        if (using > 0 && !options.force) {
          throw new ScimError(409, undefined, `${using} ${record.resourceType.toLowerCase()}(s) hold data under schema "${record.id}"; removing it with force (?force=true, scimd schema remove --force) deletes that data too`);
        }
        const hidden = hiddenAttributesOf([record.definition]);
        let changed = 0;
        for (let after: string | undefined; using > 0; ) {
          const ids = await tx.schemaExtensions.idsUsing(ctx.orgId, record.resourceType, record.id, { limit: BATCH, ...(after === undefined ? {} : { after }) });
          for (const id of ids) await stripOne(tx, ctx, record, id, hidden);
          changed += ids.length;
          if (ids.length < BATCH) break;
          after = ids.at(-1);
        }
        await tx.schemaExtensions.delete(ctx.orgId, record.id);
        await audit(tx, ctx, 'schema.deleted', record.id, { before: schemaViewOf(record), after: null, resourcesChanged: changed });
        return { id: record.id, resourcesChanged: changed };
      });
      deps.onChange?.(ctx.orgId);
      return removal;
    },
  };
}

export type SchemaExtensionService = ReturnType<typeof createSchemaExtensionService>;
