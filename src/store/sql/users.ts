/** Users over Kysely, shared by both dialects (RFC 7643 §4.1; layout in docs/storage.md). */
import type { Selectable } from 'kysely';
import type { ScimResource } from '../../core/schema/types.ts';
import type { UsersTable } from '../database.ts';
import { storedResource, USER_VALUE_ATTRIBUTES, userColumns, userValueRows, type UserColumns } from '../resource-rows.ts';
import type { UserGroupRecord, UserRecord } from '../records.ts';
import type { UserStore, UserWriteOptions, WriteOptions, WriteResult } from '../store.ts';
import { uniquenessError } from '../unique-constraints.ts';
import { atomic, sizedChunks, decodeBool, decodeJson, encodeBool, encodeJson, withUniqueness, type SqlContext } from './context.ts';
import { countResources, listResources } from './listing.ts';
import { insertRows } from './precompiled.ts';
import {
  deleteUsers,
  deleteWhere,
  GROUPS_COLUMN,
  insertUsersUnlessTaken,
  selectGroupsOf,
  selectGroupsOfMany,
  rewriteLockedUser,
  selectUser,
  updateUser,
  USER_COLUMNS,
  USER_VALUE_COLUMNS,
  type UserRowRead,
} from './user-statements.ts';

/**
 * Turns a `users` row into its record (with the JSON text of `resource` when the dialect stores
 * text, and the user's groups when the row carries them: user-statements.ts `GROUPS_COLUMN`).
 */
export function toUserRecord(ctx: SqlContext, row: UserRowRead): UserRecord {
  const record = recordOf(row, decodeJson(ctx.caps, row.resource) as ScimResource);
  const groups = row[GROUPS_COLUMN];
  const withJson = typeof row.resource === 'string' ? { ...record, resourceJson: row.resource } : record;
  if (groups === undefined || groups === null) return withJson;
  if (groups === '[]') return { ...withJson, groups: [] };
  return { ...withJson, groups: (typeof groups === 'string' ? JSON.parse(groups) : groups) as UserGroupRecord[] };
}

/**
 * The record of a row just written: `resource` as given, with the JSON text it was encoded to for
 * the row — on either dialect: PostgreSQL keeps JSONB (its own key order and spacing), but the text
 * sent is `resource` exactly, so the response can be spliced from it as on SQLite.
 */
function writtenRecord(row: Omit<Selectable<UsersTable>, 'resource'>, resource: ScimResource, json: string): UserRecord {
  return { ...recordOf(row, resource), resourceJson: json };
}

function recordOf(row: Omit<Selectable<UsersTable>, 'resource'>, resource: ScimResource): UserRecord {
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
    resource,
  };
}

/** The indexed columns of a user as stored (booleans encoded for the dialect). */
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

/** The `user_values` rows of one user's resource. */
function valueRows(ctx: SqlContext, orgId: string, userId: string, resource: ScimResource) {
  return userValueRows(resource).map((v) => ({
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
}

/**
 * Inserts value rows, at most 1,024 per statement (9 parameters each). Nothing is read back and
 * no failure is expected, so on PostgreSQL they may be written behind (postgres/write-behind.ts).
 */
async function insertValueRows(ctx: SqlContext, rows: readonly Record<string, unknown>[]): Promise<void> {
  for (const chunk of sizedChunks(rows, 1024)) await insertRows(ctx, 'user_values', USER_VALUE_COLUMNS, chunk, true);
}

async function createUser(ctx: SqlContext, orgId: string, input: ScimResource, id: string): Promise<UserRecord> {
  const now = ctx.now();
  const columns = userColumns(input);
  const resource = storedResource(input, id, { resourceType: 'User', created: now, lastModified: now, version: 1 });
  const row = { org_id: orgId, id, ...columnsRow(ctx, columns), created_at: now, updated_at: now, version: 1 };
  const json = encodeJson(resource);
  await atomic(ctx, async (tx) => {
    await withUniqueness(tx, { userName: columns.userName, id }, () =>
      insertRows(tx, 'users', USER_COLUMNS, [{ ...row, resource: json }]),
    );
    await insertValueRows(tx, valueRows(tx, orgId, id, resource));
  });
  return writtenRecord(row, resource, json);
}

/** 409 before writing anything when a userName repeats within the batch (case-insensitively). */
function rejectRepeatedUserNames(batch: readonly UserColumns[]): void {
  const seen = new Set<string>();
  for (const columns of batch) {
    if (seen.has(columns.userNameLc)) throw uniquenessError('userName', columns.userName);
    seen.add(columns.userNameLc);
  }
}

/** One user of a batch, ready to insert. */
function prepareUser(ctx: SqlContext, orgId: string, input: ScimResource, id: string, now: string) {
  const columns = userColumns(input);
  const row = { org_id: orgId, id, ...columnsRow(ctx, columns), created_at: now, updated_at: now, version: 1 };
  const resource = storedResource(input, id, { resourceType: 'User', created: now, lastModified: now, version: 1 });
  return { id, columns, row, resource, json: encodeJson(resource) };
}

type Prepared = ReturnType<typeof prepareUser>;

/**
 * Inserts the batch's user rows, 512 per statement, skipping userNames already taken; on the first
 * taken one it deletes what it inserted (so even a caller's transaction holds nothing of the batch)
 * and throws 409 naming it. No SELECT beforehand: the unique index answers.
 */
async function insertUserRows(tx: SqlContext, orgId: string, batch: readonly Prepared[]): Promise<void> {
  const inserted: string[] = [];
  for (const chunk of sizedChunks(batch, 512)) {
    const rows = chunk.map((b) => ({ ...b.row, resource: b.json }));
    const done = await withUniqueness(tx, {}, () => insertUsersUnlessTaken(tx, rows));
    for (const b of chunk) if (done.has(b.columns.userNameLc)) inserted.push(b.id);
    const taken = chunk.find((b) => !done.has(b.columns.userNameLc));
    if (taken !== undefined) {
      await deleteUsers(tx, orgId, inserted);
      throw uniquenessError('userName', taken.columns.userName);
    }
  }
}

/** UserStore.createMany: every row with multi-row INSERTs (512 users per statement), all or nothing. */
async function createUsers(ctx: SqlContext, orgId: string, inputs: readonly ScimResource[], ids?: readonly string[]): Promise<UserRecord[]> {
  if (ids !== undefined && ids.length !== inputs.length) throw new Error('createMany: ids and resources differ in length');
  const now = ctx.now();
  const batch = inputs.map((input, i) => prepareUser(ctx, orgId, input, ids?.[i] ?? ctx.newId(), now));
  rejectRepeatedUserNames(batch.map((b) => b.columns));
  await atomic(ctx, async (tx) => {
    await insertUserRows(tx, orgId, batch);
    await insertValueRows(tx, batch.flatMap((b) => valueRows(tx, orgId, b.id, b.resource)));
  });
  return batch.map((b) => writtenRecord(b.row, b.resource, b.json));
}

/** JSON text with object keys sorted at every level (JSONB does not keep the order they were written in). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * Value rows only change when a multi-valued attribute does; most PATCHes leave them alone. The
 * rows are a function of those attributes, so comparing the attributes is enough.
 */
function sameValueRows(previous: unknown, next: ScimResource): boolean {
  if (typeof previous !== 'object' || previous === null) return false;
  const before = previous as ScimResource;
  return USER_VALUE_ATTRIBUTES.every((attr) => canonical(before[attr]) === canonical(next[attr]));
}

type UserRow = Selectable<UsersTable>;

async function replaceUser(
  ctx: SqlContext,
  orgId: string,
  id: string,
  input: ScimResource,
  options: WriteOptions,
  read: { readonly row: UserRow; readonly record: UserRecord; readonly locked: boolean } | undefined,
): Promise<WriteResult<UserRecord>> {
  const columns = userColumns(input);
  return atomic(ctx, async (tx) => {
    const existing = read?.row ?? (await selectUser(tx, 'id', orgId, id));
    if (!existing) return { status: 'notFound' };
    const version = Number(existing.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      return { status: 'conflict', currentVersion: version };
    }
    const now = tx.now();
    const meta = { resourceType: 'User', created: existing.created_at, lastModified: now, version: version + 1 } as const;
    const resource = storedResource(input, id, meta);
    const set = { ...columnsRow(tx, columns), updated_at: now, version: version + 1, resource: encodeJson(resource) };
    // A row locked in this transaction whose userName keeps its folded form: the UPDATE can neither
    // miss nor hit the unique index, so it may travel with the next statement (rewriteLockedUser).
    if (read?.locked === true && tx.db.isTransaction && set.user_name_lc === existing.user_name_lc) {
      await rewriteLockedUser(tx, orgId, id, version, set, existing);
    } else if ((await withUniqueness(tx, { userName: columns.userName }, () => updateUser(tx, orgId, id, version, set, existing))) === 0) {
      if (read === undefined) return { status: 'conflict', currentVersion: version };
      // The row handed in was out of date: report the stored one, as a fresh read would have.
      const current = await selectUser(tx, 'id', orgId, id);
      return current ? { status: 'conflict', currentVersion: Number(current.version) } : { status: 'notFound' };
    }
    if (!sameValueRows(read ? read.record.resource : decodeJson(tx.caps, existing.resource), resource)) {
      await deleteWhere(tx, 'user_values', 'user_id', orgId, id, true);
      await insertValueRows(tx, valueRows(tx, orgId, id, resource));
    }
    const { resource: json, ...columnsSet } = set;
    return { status: 'ok', record: writtenRecord({ org_id: orgId, id, created_at: existing.created_at, ...columnsSet }, resource, json) };
  });
}

async function deleteUser(ctx: SqlContext, orgId: string, id: string, options: WriteOptions): Promise<WriteResult<{ id: string }>> {
  return atomic(ctx, async (tx) => {
    const existing = await selectUser(tx, 'id', orgId, id);
    if (!existing) return { status: 'notFound' };
    const version = Number(existing.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      return { status: 'conflict', currentVersion: version };
    }
    await deleteWhere(tx, 'memberships', 'member_id', orgId, id);
    await deleteWhere(tx, 'user_values', 'user_id', orgId, id);
    await deleteWhere(tx, 'users', 'id', orgId, id);
    return { status: 'ok', record: { id } };
  });
}

/** The user sub-store. */
export function userStore(ctx: SqlContext): UserStore {
  // The row behind each record `get` returned, so a replace handed that record need not read it again.
  const rowsRead = new WeakMap<UserRecord, { readonly row: UserRow; readonly locked: boolean }>();
  const findBy = async (orgId: string, column: 'id' | 'user_name_lc', value: string, lock = false, withGroups = false) => {
    const row = await selectUser(ctx, column, orgId, value, lock, withGroups);
    if (!row) return undefined;
    const record = toUserRecord(ctx, row);
    // Locked: read FOR UPDATE inside this store's transaction (on SQLite the transaction's write lock).
    rowsRead.set(record, { row, locked: lock && ctx.db.isTransaction });
    return record;
  };
  const readBefore = (orgId: string, id: string, { current }: UserWriteOptions) => {
    const read = current === undefined ? undefined : rowsRead.get(current);
    return current !== undefined && read !== undefined && read.row.org_id === orgId && read.row.id === id ? { ...read, record: current } : undefined;
  };
  return {
    create: (orgId, resource, options = {}) => createUser(ctx, orgId, resource, options.id ?? ctx.newId()),
    createMany: (orgId, resources, options = {}) => createUsers(ctx, orgId, resources, options.ids),
    get: (orgId, id, options = {}) => findBy(orgId, 'id', id, options.forUpdate === true, options.withGroups === true),
    findByUserName: (orgId, userName) => findBy(orgId, 'user_name_lc', userName.toLowerCase()),
    replace: (orgId, id, resource, options = {}) => replaceUser(ctx, orgId, id, resource, options, readBefore(orgId, id, options)),
    delete: (orgId, id, options = {}) => deleteUser(ctx, orgId, id, options),
    async list(orgId, query) {
      const { rows, ...paging } = await listResources(ctx, 'users', orgId, query);
      return { ...paging, resources: rows.map((row) => toUserRecord(ctx, row as unknown as Selectable<UsersTable>)) };
    },
    count: (orgId, filter, schemas) => countResources(ctx, 'users', orgId, filter, schemas),
    groupsOf: (orgId, userId) => selectGroupsOf(ctx, orgId, userId),
    groupsOfMany: (orgId, userIds) => selectGroupsOfMany(ctx, orgId, userIds),
  };
}
