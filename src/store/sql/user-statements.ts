/**
 * The statements of the user sub-store's hot paths, precompiled (precompiled.ts): the lookups a
 * SCIM request makes (by id, by userName, a user's groups) and the rows every write touches
 * (`users`, `user_values`). Multi-row inserts are compiled once per row count.
 */
import { sql, type Selectable } from 'kysely';
import type { UsersTable } from '../database.ts';
import { chunks, type SqlContext } from './context.ts';
import { deferrableStatement, runPrecompiled, slot } from './precompiled.ts';

/** Every column of `users`, in insert order. */
export const USER_COLUMNS = [
  'org_id', 'id', 'user_name', 'user_name_lc', 'external_id', 'active', 'display_name', 'display_name_lc', 'user_type',
  'primary_email_lc', 'given_name', 'family_name', 'created_at', 'updated_at', 'version', 'resource',
] as const;

/** Every column of `user_values`, in insert order. */
export const USER_VALUE_COLUMNS = ['org_id', 'user_id', 'attr', 'pos', 'value', 'value_lc', 'type', 'is_primary', 'elem'] as const;

/** The columns a replace rewrites (everything but the key and `created_at`). */
const USER_SET_COLUMNS = USER_COLUMNS.filter((c) => c !== 'org_id' && c !== 'id' && c !== 'created_at');

type Row = Readonly<Record<string, unknown>>;

/**
 * Inserts user rows (one multi-row INSERT, compiled once per row count), skipping every row whose
 * userName is already taken in the organization; returns the `user_name_lc` of the rows inserted.
 */
export async function insertUsersUnlessTaken(ctx: SqlContext, rows: readonly Row[]): Promise<Set<string>> {
  const width = USER_COLUMNS.length;
  const values: unknown[] = [];
  for (const row of rows) for (const column of USER_COLUMNS) values.push(row[column]);
  const { rows: inserted } = await runPrecompiled(ctx, `users.insertUnlessTaken.${rows.length}`, (db) => {
    const objects = rows.map((_, r) => Object.fromEntries(USER_COLUMNS.map((column, c) => [column, slot(r * width + c)])));
    return db
      .insertInto('users')
      .values(objects as never)
      .onConflict((oc) => oc.columns(['org_id', 'user_name_lc']).doNothing())
      .returning('user_name_lc');
  }, values);
  return new Set(inserted.map((r) => r.user_name_lc));
}

/** Deletes users (and nothing else) by id: undoes rows inserted moments before in the same transaction. */
export async function deleteUsers(ctx: SqlContext, orgId: string, ids: readonly string[]): Promise<void> {
  for (const chunk of chunks(ids, 500)) await ctx.db.deleteFrom('users').where('org_id', '=', orgId).where('id', 'in', chunk).execute();
}

/** The column alias of a user's groups read with the user (capabilities `userGroupsColumn`). */
export const GROUPS_COLUMN = 'scimd_groups';

/** A `users` row, with the user's groups when they were read with it. */
export type UserRowRead = Selectable<UsersTable> & { readonly [GROUPS_COLUMN]?: unknown };

/**
 * The `users` row with `column` = `value` in the organization (a unique column: id or
 * user_name_lc); `withGroups`: with the user's groups in `scimd_groups`, where the dialect reads
 * them in the same statement.
 */
export async function selectUser(
  ctx: SqlContext,
  column: 'id' | 'user_name_lc',
  orgId: string,
  value: string,
  lock = false,
  withGroups = false,
): Promise<UserRowRead | undefined> {
  // FOR UPDATE exists wherever SKIP LOCKED does (PostgreSQL); SQLite has one writer at a time anyway.
  const forUpdate = lock && ctx.caps.supportsSkipLocked;
  const groups = withGroups ? ctx.caps.userGroupsColumn : undefined;
  const key = `users.by.${column}${forUpdate ? '.forUpdate' : ''}${groups ? '.groups' : ''}`;
  const { rows } = await runPrecompiled(ctx, key, (db) => {
    const all = db.selectFrom('users').selectAll();
    const selected = groups === undefined ? all : all.select(groups.as(GROUPS_COLUMN));
    const query = selected.where('org_id', '=', slot(0)).where(column, '=', slot(1));
    return forUpdate ? query.forUpdate() : query;
  }, [orgId, value]);
  return rows[0] as UserRowRead | undefined;
}

/** The columns every rewrite sets, whether or not the indexed values changed. */
const ALWAYS_SET = new Set(['updated_at', 'version', 'resource']);

/**
 * Rewrites a user's row when its version is still `version`, setting only the columns whose value
 * differs from `stored` (plus the timestamp, version and resource): each index over an unchanged
 * column is then left alone, where setting every column makes the database rewrite all eight
 * index entries of the row. Returns how many rows changed (0 or 1).
 */
export async function updateUser(ctx: SqlContext, orgId: string, id: string, version: number, set: Row, stored: Row): Promise<number> {
  const columns = USER_SET_COLUMNS.filter((c) => ALWAYS_SET.has(c) || set[c] !== stored[c]);
  const values = [...columns.map((c) => set[c]), orgId, id, version];
  const result = await runPrecompiled(ctx, `users.update.${columns.join()}`, (db) => {
    const assignments = Object.fromEntries(columns.map((c, i) => [c, slot(i)]));
    const n = columns.length;
    return db.updateTable('users').set(assignments as never).where('org_id', '=', slot(n)).where('id', '=', slot(n + 1)).where('version', '=', slot(n + 2));
  }, values);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Rewrites a user row that the caller read FOR UPDATE in this transaction, its `user_name_lc` (the
 * one unique column) unchanged: the UPDATE cannot miss the row nor violate a constraint it could
 * answer for, so nothing about it needs an answer on the spot, and on PostgreSQL it travels with the
 * transaction's next statement (write-behind: a PATCH saves a round trip), as a locked group's
 * rewrite does (groups.ts). Should `version` no longer be the row's (a stale record handed in),
 * the new version is NULL and the NOT NULL constraint fails the transaction instead.
 */
export async function rewriteLockedUser(ctx: SqlContext, orgId: string, id: string, version: number, set: Row, stored: Row): Promise<void> {
  const columns = USER_SET_COLUMNS.filter((c) => c !== 'version' && (ALWAYS_SET.has(c) || set[c] !== stored[c]));
  const values = [...columns.map((c) => set[c]), version, version + 1, orgId, id];
  await runPrecompiled(ctx, `users.rewrite.${columns.join()}`, (db) => {
    const n = columns.length;
    const assignments = Object.fromEntries(columns.map((c, i) => [c, slot(i)]));
    const versioned = { ...assignments, version: sql<number>`case when ${sql.ref('version')} = ${slot(n)} then cast(${slot(n + 1)} as integer) end` };
    return deferrableStatement(db.updateTable('users').set(versioned as never).where('org_id', '=', slot(n + 2)).where('id', '=', slot(n + 3)));
  }, values);
}

/**
 * Deletes the rows of `table` whose `column` is `value` in the organization; `deferrable`: on
 * PostgreSQL the DELETE may travel with the transaction's next statement (precompiled.ts `DEFER_MARK`).
 */
export async function deleteWhere(
  ctx: SqlContext,
  table: 'users' | 'user_values' | 'memberships',
  column: 'id' | 'user_id' | 'member_id',
  orgId: string,
  value: string,
  deferrable = false,
): Promise<void> {
  await runPrecompiled(ctx, `${table}.delete.${column}${deferrable ? '.deferrable' : ''}`, (db) => {
    const query = db.deleteFrom(table).where('org_id', '=', slot(0)).where(column as never, '=', slot(1));
    return deferrable ? deferrableStatement(query) : query;
  }, [orgId, value]);
}

/**
 * The groups a user is a direct member of, ordered by group id. Written as `id IN (subquery)` so
 * both planners start from the member's index entries, whatever the number of groups.
 */
export async function selectGroupsOf(ctx: SqlContext, orgId: string, userId: string) {
  const { rows } = await runPrecompiled(ctx, 'users.groupsOf', (db) =>
    db
      .selectFrom('groups as g')
      .select(['g.id as value', 'g.display_name as display'])
      .where('g.org_id', '=', slot(0))
      .where('g.id', 'in', db.selectFrom('memberships as m').select('m.group_id').where('m.org_id', '=', slot(1)).where('m.member_id', '=', slot(2)))
      .orderBy('g.id'),
  [orgId, orgId, userId]);
  return rows;
}

/** The direct groups of several users at once (a listing page), keyed by user id, each ordered by group id. */
export async function selectGroupsOfMany(ctx: SqlContext, orgId: string, userIds: readonly string[]) {
  const byUser = new Map<string, { value: string; display: string }[]>();
  for (const chunk of chunks([...new Set(userIds)], 500)) {
    const rows = await ctx.db
      .selectFrom('memberships as m')
      .innerJoin('groups as g', (join) => join.onRef('g.org_id', '=', 'm.org_id').onRef('g.id', '=', 'm.group_id'))
      .select(['m.member_id', 'g.id as value', 'g.display_name as display'])
      .where('m.org_id', '=', orgId)
      .where('m.member_id', 'in', chunk)
      .orderBy('m.member_id')
      .orderBy('g.id')
      .execute();
    for (const row of rows) {
      const list = byUser.get(row.member_id) ?? [];
      if (list.length === 0) byUser.set(row.member_id, list);
      list.push({ value: row.value, display: row.display });
    }
  }
  return byUser;
}
