/** Users over Kysely, shared by both dialects (RFC 7643 §4.1; layout in docs/storage.md). */
import type { Selectable } from 'kysely';
import type { ScimResource } from '../../core/schema/types.ts';
import type { UsersTable } from '../database.ts';
import { storedResource, userColumns, userValueRows, type UserColumns } from '../resource-rows.ts';
import type { UserRecord } from '../rows.ts';
import type { UserStore, WriteOptions, WriteResult } from '../store.ts';
import { atomic, chunks, decodeBool, decodeJson, encodeBool, encodeJson, withUniqueness, type SqlContext } from './context.ts';
import { countResources, listResources } from './listing.ts';

/** Turns a `users` row into its record. */
export function toUserRecord(ctx: SqlContext, row: Selectable<UsersTable>): UserRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    userName: row.user_name,
    externalId: row.external_id,
    active: decodeBool(row.active),
    displayName: row.display_name,
    userType: row.user_type,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
    resource: decodeJson(ctx.caps, row.resource) as ScimResource,
  };
}

function columnsRow(ctx: SqlContext, c: UserColumns) {
  return {
    user_name: c.userName,
    user_name_lc: c.userNameLc,
    external_id: c.externalId,
    active: encodeBool(ctx.caps, c.active),
    display_name: c.displayName,
    display_name_lc: c.displayNameLc,
    user_type: c.userType,
    primary_email_lc: c.primaryEmailLc,
    given_name: c.givenName,
    family_name: c.familyName,
  };
}

/** Rewrites the value rows of one user (called whenever its resource changes). */
async function writeValues(ctx: SqlContext, orgId: string, userId: string, resource: ScimResource, replace: boolean) {
  if (replace) {
    await ctx.db.deleteFrom('user_values').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  }
  const rows = userValueRows(resource).map((v) => ({
    org_id: orgId,
    user_id: userId,
    attr: v.attr,
    pos: v.pos,
    value: v.value,
    value_lc: v.valueLc,
    type: v.type,
    is_primary: encodeBool(ctx.caps, v.isPrimary),
    elem: encodeJson(v.elem),
  }));
  for (const chunk of chunks(rows, 100)) await ctx.db.insertInto('user_values').values(chunk).execute();
}

async function createUser(ctx: SqlContext, orgId: string, input: ScimResource, id: string): Promise<UserRecord> {
  const now = ctx.now();
  const columns = userColumns(input);
  const resource = storedResource(input, id, { resourceType: 'User', created: now, lastModified: now, version: 1 });
  const row = { org_id: orgId, id, ...columnsRow(ctx, columns), created_at: now, updated_at: now, version: 1 };
  await atomic(ctx, async (tx) => {
    await withUniqueness(tx, { userName: columns.userName, id }, () =>
      tx.db.insertInto('users').values({ ...row, resource: encodeJson(resource) }).execute(),
    );
    await writeValues(tx, orgId, id, resource, false);
  });
  return { ...toUserRecord(ctx, { ...row, resource: null }), resource };
}

async function current(ctx: SqlContext, orgId: string, id: string) {
  return ctx.db
    .selectFrom('users')
    .select(['version', 'created_at'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

async function replaceUser(
  ctx: SqlContext,
  orgId: string,
  id: string,
  input: ScimResource,
  options: WriteOptions,
): Promise<WriteResult<UserRecord>> {
  const columns = userColumns(input);
  return atomic(ctx, async (tx) => {
    const existing = await current(tx, orgId, id);
    if (!existing) return { status: 'notFound' };
    const version = Number(existing.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      return { status: 'conflict', currentVersion: version };
    }
    const now = tx.now();
    const meta = { resourceType: 'User', created: existing.created_at, lastModified: now, version: version + 1 } as const;
    const resource = storedResource(input, id, meta);
    const set = { ...columnsRow(tx, columns), updated_at: now, version: version + 1, resource: encodeJson(resource) };
    const result = await withUniqueness(tx, { userName: columns.userName }, () =>
      tx.db
        .updateTable('users')
        .set(set)
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst(),
    );
    if (Number(result.numUpdatedRows) === 0) return { status: 'conflict', currentVersion: version };
    await writeValues(tx, orgId, id, resource, true);
    const row = { org_id: orgId, id, created_at: existing.created_at, ...set };
    return { status: 'ok', record: { ...toUserRecord(tx, row), resource } };
  });
}

async function deleteUser(ctx: SqlContext, orgId: string, id: string, options: WriteOptions): Promise<WriteResult<{ id: string }>> {
  return atomic(ctx, async (tx) => {
    const existing = await current(tx, orgId, id);
    if (!existing) return { status: 'notFound' };
    const version = Number(existing.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      return { status: 'conflict', currentVersion: version };
    }
    await tx.db.deleteFrom('memberships').where('org_id', '=', orgId).where('member_id', '=', id).execute();
    await tx.db.deleteFrom('user_values').where('org_id', '=', orgId).where('user_id', '=', id).execute();
    await tx.db.deleteFrom('users').where('org_id', '=', orgId).where('id', '=', id).execute();
    return { status: 'ok', record: { id } };
  });
}

/** The user sub-store. */
export function userStore(ctx: SqlContext): UserStore {
  const findBy = async (orgId: string, column: 'id' | 'user_name_lc', value: string) => {
    const row = await ctx.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where(column, '=', value)
      .executeTakeFirst();
    return row ? toUserRecord(ctx, row) : undefined;
  };
  return {
    create: (orgId, resource, options = {}) => createUser(ctx, orgId, resource, options.id ?? ctx.newId()),
    get: (orgId, id) => findBy(orgId, 'id', id),
    findByUserName: (orgId, userName) => findBy(orgId, 'user_name_lc', userName.toLowerCase()),
    replace: (orgId, id, resource, options = {}) => replaceUser(ctx, orgId, id, resource, options),
    delete: (orgId, id, options = {}) => deleteUser(ctx, orgId, id, options),
    async list(orgId, query) {
      const { rows, ...paging } = await listResources(ctx, 'users', orgId, query);
      return { ...paging, resources: rows.map((row) => toUserRecord(ctx, row as unknown as Selectable<UsersTable>)) };
    },
    count: (orgId, filter, schemas) => countResources(ctx, 'users', orgId, filter, schemas),
    async groupsOf(orgId, userId) {
      const rows = await ctx.db
        .selectFrom('memberships as m')
        .innerJoin('groups as g', (join) => join.onRef('g.org_id', '=', 'm.org_id').onRef('g.id', '=', 'm.group_id'))
        .select(['g.id as value', 'g.display_name as display'])
        .where('m.org_id', '=', orgId)
        .where('m.member_id', '=', userId)
        .orderBy('g.id')
        .execute();
      return rows;
    },
  };
}
