/**
 * The SCIM User use cases (RFC 7644 §3.3–§3.6): create, read, replace, patch, delete and list,
 * each write in one transaction with its revision-history (audit) and outbox event.
 */
import type { FilterLimits } from '../core/filter/parser.ts';
import type { ListQuery as ScimListQuery } from '../core/messages/search-request.ts';
import { applyPatch } from '../core/patch/apply-patch.ts';
import type { PatchOperation } from '../core/patch/types.ts';
import type { ResourceSchemas, ScimResource } from '../core/schema/types.ts';
import { withActiveDefault } from '../core/schema/user.ts';
import { validateResource } from '../core/schema/validate-resource.ts';
import { ScimError } from '../core/scim-error.ts';
import { isStorableText } from '../core/text.ts';
import type { UserGroupRecord, UserRecord } from '../store/records.ts';
import type { Store, WriteResult } from '../store/store.ts';
import { diffResources, hiddenAttributesOf } from './changes.ts';
import type { OperationContext } from './context.ts';
import { toStoreQuery } from './listing.ts';
import type { UserRules } from './policies.ts';
import { applyUserPolicies, roleMappingOf, type UserWrite } from './policy-rules.ts';
import { recordChange } from './record-change.ts';

export interface UserView {
  readonly resource: ScimResource;
  readonly version: number;
  /** `resource` without its computed `groups`, as the JSON text the store holds (when it has one). */
  readonly storedJson?: string;
}

export interface UserServiceDeps {
  readonly store: Store;
  /** The schemas of an organization's User resource type (custom extensions included). */
  readonly schemasFor: (orgId: string) => ResourceSchemas | Promise<ResourceSchemas>;
  readonly filterLimits?: FilterLimits;
  readonly maxPatchOperations?: number;
  /**
   * The organization's policies and role names (policies.ts `rulesFor`), enforced on create,
   * replace and patch; without it no policy applies (tests of the bare SCIM behaviour).
   */
  readonly rulesFor?: (orgId: string) => Promise<UserRules>;
}

export interface ReadOptions {
  /** Compute the `groups` attribute from the membership index (skip when it is not returned). */
  readonly withGroups?: boolean;
}

export type UserService = ReturnType<typeof createUserService>;

const notFound = (id: string): ScimError => new ScimError(404, undefined, `User "${id}" not found`);

/** Turns a store write result into the record, or the 404 / 412 the client must see. */
export function unwrapWrite<T>(result: WriteResult<T>, kind: string, id: string): T {
  if (result.status === 'notFound') throw new ScimError(404, undefined, `${kind} "${id}" not found`);
  if (result.status === 'conflict') {
    throw new ScimError(412, undefined, `${kind} "${id}" was modified: its current version is W/"${result.currentVersion}"`);
  }
  return result.record;
}

function lifecycleEvent(before: UserRecord | undefined, after: UserRecord | undefined): string {
  if (!before) return 'user.created';
  if (!after) return 'user.deleted';
  if (before.active && !after.active) return 'user.deactivated';
  if (!before.active && after.active) return 'user.reactivated';
  return 'user.updated';
}

/** The user as a response shows it: with its direct groups (RFC 7643 §4.1.2), when it has any. */
function withGroupsOf(record: UserRecord, groups: readonly UserGroupRecord[]): UserView {
  const resource = groups.length === 0
    ? record.resource
    : { ...record.resource, groups: groups.map((g) => ({ value: g.value, display: g.display, type: 'direct' })) };
  return viewOf(record, resource);
}

/** A view of `record` showing `resource` (the record's, or it with computed attributes). */
function viewOf(record: UserRecord, resource: ScimResource): UserView {
  return record.resourceJson === undefined
    ? { resource, version: record.version }
    : { resource, version: record.version, storedJson: record.resourceJson };
}

/** Creates the User service over a store. */
export function createUserService(deps: UserServiceDeps) {
  const { store } = deps;
  const limits = deps.filterLimits ?? {};

  /**
   * The user as returned; its groups, when asked for, come from the record (read with the user
   * where the store can), else from `known` (read with the row a write replaced: a user's writes
   * never change its groups), else from one more query.
   */
  async function view(tx: Store, record: UserRecord, options: ReadOptions, known?: readonly UserGroupRecord[]): Promise<UserView> {
    if (!options.withGroups) return viewOf(record, record.resource);
    return withGroupsOf(record, record.groups ?? known ?? (await tx.users.groupsOf(record.orgId, record.id)));
  }

  async function record(ctx: OperationContext, tx: Store, schemas: ResourceSchemas, before: UserRecord | undefined, after: UserRecord | undefined, rules?: UserRules) {
    const changes = diffResources(before?.resource, after?.resource, hiddenAttributesOf(schemas));
    const subject = (after ?? before) as UserRecord;
    const type = lifecycleEvent(before, after);
    if (type === 'user.updated' && changes.changed.length === 0) return;
    // A userType that names no role is kept as sent; the history says which role the user got.
    const roleMapping = after && rules ? roleMappingOf(after.resource, before?.resource, rules) : undefined;
    await recordChange(tx, ctx, {
      action: type,
      resourceType: 'User',
      resourceId: subject.id,
      changes: roleMapping ? { ...changes, roleMapping } : changes,
      // The resource as SCIM returns it: after the change, or before it for a delete.
      event: { resource: subject.resource, changed: changes.changed },
    });
  }

  // Read before a transaction opens: on SQLite's one connection a read outside `tx` would wait for it.
  const rulesOf = async (ctx: OperationContext): Promise<UserRules | undefined> => (deps.rulesFor ? deps.rulesFor(ctx.orgId) : undefined);
  // Every write stores `active` explicitly (absent means active, see withActiveDefault).
  const withPolicies = (rules: UserRules | undefined, resource: ScimResource, write: UserWrite, before?: ScimResource): ScimResource =>
    withActiveDefault(rules ? applyUserPolicies(resource, rules, write, before) : resource);

  // A write reads through `tx` and locks the row until it commits; a plain read (`store`) does not.
  // `withGroups`: the user's groups in the same statement where the store can (UserRecord.groups).
  async function load(tx: Store, ctx: OperationContext, id: string, withGroups = false): Promise<UserRecord> {
    // An id no database could hold (a NUL character) names no resource: the same 404 as any unknown id.
    const found = isStorableText(id) ? await tx.users.get(ctx.orgId, id, { forUpdate: tx !== store, withGroups }) : undefined;
    if (!found) throw notFound(id);
    return found;
  }

  return {
    async create(ctx: OperationContext, body: unknown): Promise<UserView> {
      const schemas = await deps.schemasFor(ctx.orgId);
      const rules = await rulesOf(ctx);
      const input = withPolicies(rules, validateResource(body, schemas, { strict: ctx.strict ?? false }), 'create');
      return store.transaction(async (tx) => {
        const created = await tx.users.create(ctx.orgId, input);
        await record(ctx, tx, schemas, undefined, created, rules);
        return view(tx, created, {});
      });
    },

    async get(ctx: OperationContext, id: string, options: ReadOptions = {}): Promise<UserView> {
      return view(store, await load(store, ctx, id, options.withGroups === true), options);
    },

    async replace(ctx: OperationContext, id: string, body: unknown, expectedVersion?: number): Promise<UserView> {
      const schemas = await deps.schemasFor(ctx.orgId);
      const rules = await rulesOf(ctx);
      return store.transaction(async (tx) => {
        const before = await load(tx, ctx, id, true);
        const valid = validateResource(body, schemas, { strict: ctx.strict ?? false, existing: before.resource });
        const input = withPolicies(rules, valid, 'replace', before.resource);
        const after = unwrapWrite(await tx.users.replace(ctx.orgId, id, input, { ...writeOptions(expectedVersion), current: before }), 'User', id);
        await record(ctx, tx, schemas, before, after, rules);
        return view(tx, after, { withGroups: true }, before.groups);
      });
    },

    async patch(ctx: OperationContext, id: string, operations: readonly PatchOperation[], expectedVersion?: number): Promise<UserView> {
      const schemas = await deps.schemasFor(ctx.orgId);
      const rules = await rulesOf(ctx);
      return store.transaction(async (tx) => {
        const before = await load(tx, ctx, id, true);
        if (expectedVersion !== undefined && expectedVersion !== before.version) {
          throw new ScimError(412, undefined, `User "${id}" was modified: its current version is W/"${before.version}"`);
        }
        const result = applyPatch(before.resource, operations, schemas, {
          strict: ctx.strict ?? false,
          ...(deps.maxPatchOperations ? { maxOperations: deps.maxPatchOperations } : {}),
        });
        if (!result.changed) return view(tx, before, { withGroups: true });
        const valid = validateResource(result.resource, schemas, { strict: ctx.strict ?? false, existing: before.resource });
        const input = withPolicies(rules, valid, 'patch', before.resource);
        const after = unwrapWrite(await tx.users.replace(ctx.orgId, id, input, { expectedVersion: before.version, current: before }), 'User', id);
        await record(ctx, tx, schemas, before, after, rules);
        return view(tx, after, { withGroups: true }, before.groups);
      });
    },

    async remove(ctx: OperationContext, id: string, expectedVersion?: number): Promise<void> {
      const schemas = await deps.schemasFor(ctx.orgId);
      await store.transaction(async (tx) => {
        const before = await load(tx, ctx, id);
        unwrapWrite(await tx.users.delete(ctx.orgId, id, writeOptions(expectedVersion)), 'User', id);
        await record(ctx, tx, schemas, before, undefined);
      });
    },

    async list(ctx: OperationContext, query: ScimListQuery, options: ReadOptions = {}) {
      const schemas = await deps.schemasFor(ctx.orgId);
      const storeQuery = toStoreQuery(query, schemas, { ...limits, bareWords: !(ctx.strict ?? false) });
      const page = await store.users.list(ctx.orgId, options.withGroups ? { ...storeQuery, withGroups: true } : storeQuery);
      if (!options.withGroups || page.resources.length === 0) {
        return { ...page, resources: page.resources.map((r) => viewOf(r, r.resource)) };
      }
      // Read with the page (a lookup on PostgreSQL): no second query.
      if (page.resources.every((r) => r.groups !== undefined)) {
        return { ...page, resources: page.resources.map((r) => withGroupsOf(r, r.groups ?? [])) };
      }
      // One query for the whole page's groups, not one per user.
      const groups = page.resources.length === 1
        ? new Map([[page.resources[0]?.id ?? '', await store.users.groupsOf(ctx.orgId, page.resources[0]?.id ?? '')]])
        : await store.users.groupsOfMany(ctx.orgId, page.resources.map((r) => r.id));
      return { ...page, resources: page.resources.map((r) => withGroupsOf(r, groups.get(r.id) ?? [])) };
    },
  };
}

export function writeOptions(expectedVersion: number | undefined) {
  return expectedVersion === undefined ? {} : { expectedVersion };
}
