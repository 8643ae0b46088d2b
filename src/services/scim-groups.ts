/**
 * The SCIM Group use cases (RFC 7644 §3.3–§3.6). Memberships are rows: a PATCH that adds 100
 * members or removes one is applied as a membership delta and never loads the member list, so a
 * 100k-member group costs the same as a 10-member one (DESIGN.md §3).
 */
import type { FilterLimits } from '../core/filter/parser.ts';
import type { ListQuery as ScimListQuery } from '../core/messages/search-request.ts';
import { applyPatch } from '../core/patch/apply-patch.ts';
import type { MemberRef, MembershipDelta, PatchOperation } from '../core/patch/types.ts';
import type { ResourceSchemas, ScimResource } from '../core/schema/types.ts';
import { validateResource } from '../core/schema/validate-resource.ts';
import { ScimError } from '../core/scim-error.ts';
import { isStorableText } from '../core/text.ts';
import type { GroupRecord } from '../store/records.ts';
import type { MembershipChange, Store } from '../store/store.ts';
import { diffResources, hiddenAttributesOf } from './changes.ts';
import type { OperationContext } from './context.ts';
import { toStoreQuery } from './listing.ts';
import { recordChange } from './record-change.ts';
import { unwrapWrite, writeOptions } from './scim-users.ts';

export interface GroupView {
  readonly resource: ScimResource;
  readonly version: number;
}

export interface GroupServiceDeps {
  readonly store: Store;
  readonly schemasFor: (orgId: string) => ResourceSchemas | Promise<ResourceSchemas>;
  readonly filterLimits?: FilterLimits;
  readonly maxPatchOperations?: number;
  /** The most members a response lists (the rest are left out; `excludedAttributes=members` skips them all). */
  readonly maxMembersReturned: number;
}

export interface GroupReadOptions {
  /** Load `members` from the membership index (false for `excludedAttributes=members`). */
  readonly withMembers?: boolean;
}

export type GroupService = ReturnType<typeof createGroupService>;

function membersOf(resource: ScimResource): MemberRef[] {
  const members = resource['members'];
  if (!Array.isArray(members)) return [];
  return members.flatMap((m: Record<string, unknown>) =>
    typeof m['value'] === 'string'
      ? [{ value: m['value'], ...(m['type'] === 'User' || m['type'] === 'Group' ? { type: m['type'] } : {}) }]
      : [],
  );
}

function withoutMembers(resource: ScimResource): ScimResource {
  const { members: _members, ...rest } = resource;
  return rest;
}

/** Creates the Group service over a store. */
export function createGroupService(deps: GroupServiceDeps) {
  const { store } = deps;
  const limits = deps.filterLimits ?? {};

  async function view(tx: Store, record: GroupRecord, options: GroupReadOptions): Promise<GroupView> {
    if (!options.withMembers) return { resource: record.resource, version: record.version };
    const rows = await tx.groups.listMembers(record.orgId, record.id, { limit: deps.maxMembersReturned });
    const members = rows.map((m) => ({ value: m.value, type: m.type, ...(m.display === null ? {} : { display: m.display }) }));
    return { resource: { ...record.resource, members }, version: record.version };
  }

  // A write reads through `tx` and locks the row until it commits; a plain read (`store`) does not.
  async function load(tx: Store, ctx: OperationContext, id: string): Promise<GroupRecord> {
    // An id no database could hold (a NUL character) names no resource: the same 404 as any unknown id.
    const found = isStorableText(id) ? await tx.groups.get(ctx.orgId, id, { forUpdate: tx !== store }) : undefined;
    if (!found) throw new ScimError(404, undefined, `Group "${id}" not found`);
    return found;
  }

  async function recordMembership(tx: Store, ctx: OperationContext, group: GroupRecord, change: MembershipChange) {
    for (const [action, ids] of [['group.member_added', change.added], ['group.member_removed', change.removed]] as const) {
      if (ids.length === 0) continue;
      await recordChange(tx, ctx, {
        action,
        resourceType: 'Group',
        resourceId: group.id,
        changes: { members: ids },
        event: { id: group.id, displayName: group.displayName, members: ids, changed: ['members'] },
      });
    }
  }

  async function recordGroup(ctx: OperationContext, tx: Store, schemas: ResourceSchemas, before: GroupRecord | undefined, after: GroupRecord | undefined) {
    const changes = diffResources(before?.resource, after?.resource, hiddenAttributesOf(schemas));
    const action = !before ? 'group.created' : !after ? 'group.deleted' : 'group.updated';
    if (action === 'group.updated' && changes.changed.length === 0) return;
    const subject = (after ?? before) as GroupRecord;
    await recordChange(tx, ctx, {
      action,
      resourceType: 'Group',
      resourceId: subject.id,
      changes,
      // The resource as SCIM returns it (members are listed by their own events): after, or before a delete.
      event: { resource: subject.resource, changed: changes.changed },
    });
  }

  async function applyDelta(tx: Store, ctx: OperationContext, group: GroupRecord, delta: MembershipDelta | undefined) {
    if (!delta) return;
    // The group was read FOR UPDATE in this transaction: the store need not check it exists.
    const change = await tx.groups.applyMembershipDelta(ctx.orgId, group.id, delta, { current: group });
    await recordMembership(tx, ctx, group, change);
  }

  return {
    async create(ctx: OperationContext, body: unknown): Promise<GroupView> {
      const schemas = await deps.schemasFor(ctx.orgId);
      const input = validateResource(body, schemas, { strict: ctx.strict ?? false });
      const members = membersOf(input);
      return store.transaction(async (tx) => {
        const created = await tx.groups.create(ctx.orgId, withoutMembers(input), { members });
        await recordGroup(ctx, tx, schemas, undefined, created);
        if (members.length > 0) await recordMembership(tx, ctx, created, { added: members.map((m) => m.value), removed: [] });
        return view(tx, created, { withMembers: members.length > 0 });
      });
    },

    async get(ctx: OperationContext, id: string, options: GroupReadOptions = {}): Promise<GroupView> {
      return view(store, await load(store, ctx, id), options);
    },

    async replace(ctx: OperationContext, id: string, body: unknown, expectedVersion?: number): Promise<GroupView> {
      const schemas = await deps.schemasFor(ctx.orgId);
      return store.transaction(async (tx) => {
        const before = await load(tx, ctx, id);
        const input = validateResource(body, schemas, { strict: ctx.strict ?? false, existing: before.resource });
        const result = await tx.groups.replace(ctx.orgId, id, withoutMembers(input), writeOptions(expectedVersion));
        const after = unwrapWrite(result, 'Group', id);
        await recordGroup(ctx, tx, schemas, before, after);
        await applyDelta(tx, ctx, after, { replace: membersOf(input), add: [], remove: [] });
        return view(tx, after, { withMembers: true });
      });
    },

    /** Applies a PATCH; returns the group without members unless `withMembers` is asked. */
    async patch(
      ctx: OperationContext,
      id: string,
      operations: readonly PatchOperation[],
      options: GroupReadOptions & { readonly expectedVersion?: number } = {},
    ): Promise<GroupView> {
      const schemas = await deps.schemasFor(ctx.orgId);
      return store.transaction(async (tx) => {
        const before = await load(tx, ctx, id);
        if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
          throw new ScimError(412, undefined, `Group "${id}" was modified: its current version is W/"${before.version}"`);
        }
        const result = applyPatch(before.resource, operations, schemas, {
          strict: ctx.strict ?? false,
          deltaAttributes: ['members'],
          ...(deps.maxPatchOperations ? { maxOperations: deps.maxPatchOperations } : {}),
        });
        let after = before;
        // changedAttributes includes `members` for a membership-only PATCH: the group row is still
        // rewritten (O(1), no member list) so its version and meta.lastModified move with its members.
        if (result.changedAttributes.length > 0) {
          const input = validateResource(result.resource, schemas, { strict: ctx.strict ?? false, existing: before.resource });
          after = unwrapWrite(await tx.groups.replace(ctx.orgId, id, withoutMembers(input), { expectedVersion: before.version, current: before }), 'Group', id);
          await recordGroup(ctx, tx, schemas, before, after);
        }
        await applyDelta(tx, ctx, after, result.deltas['members']);
        return view(tx, after, options);
      });
    },

    async remove(ctx: OperationContext, id: string, expectedVersion?: number): Promise<void> {
      const schemas = await deps.schemasFor(ctx.orgId);
      await store.transaction(async (tx) => {
        const before = await load(tx, ctx, id);
        unwrapWrite(await tx.groups.delete(ctx.orgId, id, writeOptions(expectedVersion)), 'Group', id);
        await recordGroup(ctx, tx, schemas, before, undefined);
      });
    },

    async list(ctx: OperationContext, query: ScimListQuery, options: GroupReadOptions = {}) {
      const schemas = await deps.schemasFor(ctx.orgId);
      const page = await store.groups.list(ctx.orgId, toStoreQuery(query, schemas, { ...limits, bareWords: !(ctx.strict ?? false) }));
      const resources = await Promise.all(page.resources.map((r) => view(store, r, options)));
      return { ...page, resources };
    },
  };
}
