/** Groups over Kysely, shared by both dialects (RFC 7643 §4.2). Members live in `memberships`. */
import { sql, type Selectable } from 'kysely';
import type { MemberRef } from '../../core/patch/types.ts';
import type { ScimResource } from '../../core/schema/types.ts';
import type { GroupsTable } from '../database.ts';
import { groupColumns, storedResource } from '../resource-rows.ts';
import type { GroupRecord } from '../records.ts';
import type { GroupStore, GroupWriteOptions, WriteOptions, WriteResult } from '../store.ts';
import { atomic, decodeJson, encodeJson, lockedRead, withUniqueness, type SqlContext } from './context.ts';
import { countResources, listResources } from './listing.ts';
import { applyMembershipDelta, listMembers } from './memberships.ts';
import { deferrableStatement, runPrecompiled, slot } from './precompiled.ts';

/** Turns a `groups` row into its record. */
export function toGroupRecord(ctx: SqlContext, row: Selectable<GroupsTable>): GroupRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
    resource: decodeJson(ctx.caps, row.resource) as ScimResource,
  };
}

/** Member references carried in a resource's `members` array (used when create gets no list). */
function membersOf(resource: ScimResource): MemberRef[] {
  const members = resource['members'];
  if (!Array.isArray(members)) return [];
  return members.flatMap((m: unknown) => {
    const value = typeof m === 'object' && m !== null ? (m as Record<string, unknown>)['value'] : undefined;
    return typeof value === 'string' ? [{ value }] : [];
  });
}

async function createGroup(ctx: SqlContext, orgId: string, input: ScimResource, id: string, members: readonly MemberRef[]) {
  const now = ctx.now();
  const columns = groupColumns(input);
  const resource = storedResource(input, id, { resourceType: 'Group', created: now, lastModified: now, version: 1 });
  const row = {
    org_id: orgId,
    id,
    display_name: columns.displayName,
    display_name_lc: columns.displayNameLc,
    external_id: columns.externalId,
    created_at: now,
    updated_at: now,
    version: 1,
    resource: encodeJson(resource),
  };
  await atomic(ctx, async (tx) => {
    await withUniqueness(tx, { displayName: columns.displayName, id }, () => tx.db.insertInto('groups').values(row).execute());
    if (members.length > 0) await applyMembershipDelta(tx, orgId, id, { add: members, remove: [] });
  });
  return { ...toGroupRecord(ctx, row), resource };
}

async function versionOf(ctx: SqlContext, orgId: string, id: string, lock = false) {
  const query = ctx.db.selectFrom('groups').select(['version', 'created_at']).where('org_id', '=', orgId).where('id', '=', id);
  return (lock ? lockedRead(ctx, query) : query).executeTakeFirst();
}

async function replaceGroup(ctx: SqlContext, orgId: string, id: string, input: ScimResource, options: GroupWriteOptions): Promise<WriteResult<GroupRecord>> {
  const columns = groupColumns(input);
  const { current } = options;
  // Only a record read in the caller's own transaction (FOR UPDATE) stands in for a fresh read.
  const known = ctx.db.isTransaction && current !== undefined && current.orgId === orgId && current.id === id ? { version: current.version, created_at: current.createdAt } : undefined;
  return atomic(ctx, async (tx) => {
    const existing = known ?? (await versionOf(tx, orgId, id));
    if (!existing) return { status: 'notFound' };
    const version = Number(existing.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) return { status: 'conflict', currentVersion: version };
    const now = tx.now();
    const resource = storedResource(input, id, { resourceType: 'Group', created: existing.created_at, lastModified: now, version: version + 1 });
    const set = {
      display_name: columns.displayName,
      display_name_lc: columns.displayNameLc,
      external_id: columns.externalId,
      updated_at: now,
      version: version + 1,
      resource: encodeJson(resource),
    };
    if (known !== undefined && current?.displayName === columns.displayName) {
      await rewriteLockedGroup(tx, orgId, id, version, set);
    } else {
      const result = await withUniqueness(tx, { displayName: columns.displayName }, () =>
        tx.db.updateTable('groups').set(set).where('org_id', '=', orgId).where('id', '=', id).where('version', '=', version).executeTakeFirst(),
      );
      if (Number(result.numUpdatedRows) === 0) {
        if (known === undefined) return { status: 'conflict', currentVersion: version };
        // The record handed in was out of date: report the stored version, as a fresh read would have.
        const stored = await versionOf(tx, orgId, id);
        return stored ? { status: 'conflict', currentVersion: Number(stored.version) } : { status: 'notFound' };
      }
    }
    return { status: 'ok', record: { ...toGroupRecord(tx, { org_id: orgId, id, created_at: existing.created_at, ...set }), resource } };
  });
}

/**
 * Rewrites a group row that the caller read FOR UPDATE in this transaction, keeping its display
 * name: the row cannot be missing or changed by anyone else, and the one unique column keeps its
 * value, so nothing about this UPDATE needs an answer on the spot and on PostgreSQL it travels with
 * the transaction's next statement (write-behind: a member PATCH saves a round trip). Should the
 * caller's record be stale after all (its version no longer the row's), the version becomes NULL
 * and the NOT NULL constraint fails the transaction, instead of the rewrite going missing.
 */
async function rewriteLockedGroup(ctx: SqlContext, orgId: string, id: string, version: number, set: GroupRewrite): Promise<void> {
  await runPrecompiled(ctx, 'groups.update.locked', (db) =>
    deferrableStatement(
      db
        .updateTable('groups')
        .set({
          display_name: slot(0),
          display_name_lc: slot(1),
          external_id: slot(2),
          updated_at: slot(3),
          version: sql<number>`case when ${sql.ref('version')} = ${slot(4)} then cast(${slot(5)} as integer) end`,
          resource: slot(6),
        })
        .where('org_id', '=', slot(7))
        .where('id', '=', slot(8)),
    ),
  [set.display_name, set.display_name_lc, set.external_id, set.updated_at, version, version + 1, set.resource, orgId, id]);
}

/** The columns a group rewrite sets (the version is computed from the version read). */
type GroupRewrite = Pick<Selectable<GroupsTable>, 'display_name' | 'display_name_lc' | 'external_id' | 'updated_at' | 'resource'>;

async function deleteGroup(ctx: SqlContext, orgId: string, id: string, options: WriteOptions): Promise<WriteResult<{ id: string }>> {
  return atomic(ctx, async (tx) => {
    // Locked as every member add locks it (memberships.ts): an add either commits before this
    // delete reads the memberships, or waits and then finds no group. On PostgreSQL no foreign key
    // does that job (migration 0018).
    const existing = await versionOf(tx, orgId, id, true);
    if (!existing) return { status: 'notFound' };
    const version = Number(existing.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) return { status: 'conflict', currentVersion: version };
    await tx.db.deleteFrom('memberships').where('org_id', '=', orgId).where('group_id', '=', id).execute();
    await tx.db.deleteFrom('memberships').where('org_id', '=', orgId).where('member_id', '=', id).execute();
    await tx.db.deleteFrom('groups').where('org_id', '=', orgId).where('id', '=', id).execute();
    return { status: 'ok', record: { id } };
  });
}

/** The group sub-store. */
export function groupStore(ctx: SqlContext): GroupStore {
  const findBy = async (orgId: string, column: 'id' | 'display_name_lc', value: string, lock = false) => {
    const query = ctx.db.selectFrom('groups').selectAll().where('org_id', '=', orgId).where(column, '=', value);
    const row = await (lock ? lockedRead(ctx, query) : query).executeTakeFirst();
    return row ? toGroupRecord(ctx, row) : undefined;
  };
  return {
    create: (orgId, resource, options = {}) =>
      createGroup(ctx, orgId, resource, options.id ?? ctx.newId(), options.members ?? membersOf(resource)),
    get: (orgId, id, options = {}) => findBy(orgId, 'id', id, options.forUpdate === true),
    findByDisplayName: (orgId, displayName) => findBy(orgId, 'display_name_lc', displayName.toLowerCase()),
    replace: (orgId, id, resource, options = {}) => replaceGroup(ctx, orgId, id, resource, options),
    delete: (orgId, id, options = {}) => deleteGroup(ctx, orgId, id, options),
    async list(orgId, query) {
      const { rows, ...paging } = await listResources(ctx, 'groups', orgId, query);
      return { ...paging, resources: rows.map((row) => toGroupRecord(ctx, row as unknown as Selectable<GroupsTable>)) };
    },
    count: (orgId, filter, schemas) => countResources(ctx, 'groups', orgId, filter, schemas),
    applyMembershipDelta: (orgId, groupId, delta, options = {}) => applyMembershipDelta(ctx, orgId, groupId, delta, options.current),
    listMembers: (orgId, groupId, page) => listMembers(ctx, orgId, groupId, page),
    async countMembers(orgId, groupId) {
      const row = await ctx.db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('org_id', '=', orgId)
        .where('group_id', '=', groupId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async hasMember(orgId, groupId, memberId) {
      const row = await ctx.db
        .selectFrom('memberships')
        .select('member_id')
        .where('org_id', '=', orgId)
        .where('group_id', '=', groupId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
