/**
 * Group memberships as rows (DESIGN.md §3): a PATCH on `members` arrives as a MembershipDelta
 * (src/core/patch/types.ts) and becomes row inserts and deletes, so a group of a million members
 * costs the same to add one member to as a group of ten. Only `replace` reads the current set.
 */
import { sql } from 'kysely';
import { ScimError } from '../../core/scim-error.ts';
import type { MemberRef, MembershipDelta } from '../../core/patch/types.ts';
import type { GroupRecord, MemberRecord } from '../records.ts';
import type { MembershipChange } from '../store.ts';
import { atomic, chunks, lockedRead, type SqlContext } from './context.ts';

/** Ids per IN (…) list / multi-row insert: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

async function existing(ctx: SqlContext, table: 'users' | 'groups', orgId: string, ids: readonly string[]) {
  const rows = await ctx.db.selectFrom(table).select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** Resolves each id to `User` or `Group` in the organization; unknown ids → 400 invalidValue. */
async function resolveTypes(ctx: SqlContext, orgId: string, groupId: string, ids: readonly string[]) {
  const types = new Map<string, 'User' | 'Group'>();
  for (const chunk of chunks(ids, CHUNK)) {
    const users = await existing(ctx, 'users', orgId, chunk);
    const rest = chunk.filter((id) => !users.has(id));
    const groups = rest.length > 0 ? await existing(ctx, 'groups', orgId, rest) : new Set<string>();
    for (const id of chunk) {
      if (users.has(id)) types.set(id, 'User');
      else if (groups.has(id)) types.set(id, 'Group');
    }
  }
  const missing = ids.filter((id) => !types.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((id) => `"${id}"`).join(', ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new ScimError(400, 'invalidValue', `members: no User or Group with id ${shown}${more} exists in this organization.`);
  }
  if (types.has(groupId)) throw new ScimError(400, 'invalidValue', 'members: a group cannot be a member of itself.');
  return types;
}

async function insertMembers(ctx: SqlContext, orgId: string, groupId: string, refs: readonly MemberRef[]) {
  const ids = [...new Set(refs.map((r) => r.value))];
  if (ids.length === 0) return [];
  const now = ctx.now();
  const added = new Set<string>();
  // The common case in one statement: members that are users of the organization, inserted
  // straight from their rows. Whatever that did not insert (groups, present members, unknown ids)
  // then takes the checked path, which reports unknown ids and self-membership.
  const rest: string[] = [];
  for (const chunk of chunks(ids, CHUNK)) {
    for (const id of await insertUserMembers(ctx, orgId, groupId, chunk, now)) added.add(id);
    for (const id of chunk) if (!added.has(id)) rest.push(id);
  }
  if (rest.length > 0) {
    const types = await resolveTypes(ctx, orgId, groupId, rest);
    for (const chunk of chunks(rest, CHUNK)) {
      const rows = chunk.map((id) => ({ org_id: orgId, group_id: groupId, member_id: id, member_type: types.get(id) ?? 'User', created_at: now }));
      const inserted = await ctx.db
        .insertInto('memberships')
        .values(rows)
        .onConflict((oc) => oc.columns(['org_id', 'group_id', 'member_id']).doNothing())
        .returning('member_id')
        .execute();
      for (const row of inserted) added.add(row.member_id);
    }
  }
  // In the order asked for, as a multi-row insert returns them.
  return ids.filter((id) => added.has(id));
}

/** Inserts the ids that are users of the organization and not yet members; returns those inserted. */
async function insertUserMembers(ctx: SqlContext, orgId: string, groupId: string, ids: readonly string[], now: string): Promise<string[]> {
  const users = ctx.db
    .selectFrom('users')
    .select(['org_id', sql<string>`${groupId}`.as('group_id'), 'id as member_id', sql<string>`'User'`.as('member_type'), sql<string>`${now}`.as('created_at')])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids);
  const inserted = await ctx.db
    .insertInto('memberships')
    .columns(['org_id', 'group_id', 'member_id', 'member_type', 'created_at'])
    .expression(users)
    .onConflict((oc) => oc.columns(['org_id', 'group_id', 'member_id']).doNothing())
    .returning('member_id')
    .execute();
  return inserted.map((row) => row.member_id);
}

async function deleteMembers(ctx: SqlContext, orgId: string, groupId: string, ids: readonly string[]) {
  const removed: string[] = [];
  for (const chunk of chunks([...new Set(ids)], CHUNK)) {
    const rows = await ctx.db
      .deleteFrom('memberships')
      .where('org_id', '=', orgId)
      .where('group_id', '=', groupId)
      .where('member_id', 'in', chunk)
      .returning('member_id')
      .execute();
    for (const row of rows) removed.push(row.member_id);
  }
  return removed;
}

/** Every member id of a group, read in keyset batches (only `replace` needs the whole set). */
async function allMemberIds(ctx: SqlContext, orgId: string, groupId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after = '';
  for (;;) {
    const rows = await ctx.db
      .selectFrom('memberships')
      .select('member_id')
      .where('org_id', '=', orgId)
      .where('group_id', '=', groupId)
      .where('member_id', '>', after)
      .orderBy('member_id')
      .limit(sql.lit(10_000))
      .execute();
    for (const row of rows) ids.add(row.member_id);
    const last = rows[rows.length - 1];
    if (!last || rows.length < 10_000) return ids;
    after = last.member_id;
  }
}

async function replaceMembers(ctx: SqlContext, orgId: string, groupId: string, refs: readonly MemberRef[]) {
  const current = await allMemberIds(ctx, orgId, groupId);
  const target = new Set(refs.map((r) => r.value));
  const removed = await deleteMembers(ctx, orgId, groupId, [...current].filter((id) => !target.has(id)));
  const added = await insertMembers(ctx, orgId, groupId, refs.filter((r) => !current.has(r.value)));
  return { added, removed };
}

/**
 * Applies a membership delta in one transaction; see GroupStore.applyMembershipDelta. `current`:
 * the group as read (and locked) in the caller's transaction, so it is known to exist.
 */
export function applyMembershipDelta(
  ctx: SqlContext,
  orgId: string,
  groupId: string,
  delta: MembershipDelta,
  current?: GroupRecord,
): Promise<MembershipChange> {
  // Only a record read in the caller's own transaction proves the group still exists.
  const known = ctx.db.isTransaction && current !== undefined && current.orgId === orgId && current.id === groupId;
  return atomic(ctx, async (tx) => {
    // The group row is locked before any membership row is written, as a group's deletion locks it
    // (groups.ts): on PostgreSQL that lock, not a foreign key, keeps members of a deleted group
    // from being left behind (migration 0018). A `current` record was read FOR UPDATE by the caller.
    const group = known ? current : await lockedRead(tx, tx.db.selectFrom('groups').select('id').where('org_id', '=', orgId).where('id', '=', groupId)).executeTakeFirst();
    if (!group) throw new ScimError(404, undefined, `Group "${groupId}" not found.`);
    if (delta.replace !== undefined) return replaceMembers(tx, orgId, groupId, delta.replace);
    const removed = await deleteMembers(tx, orgId, groupId, delta.remove);
    const added = await insertMembers(tx, orgId, groupId, delta.add);
    return { added, removed };
  });
}

/** One page of members ordered by member id, with display names from the members' own rows. */
export async function listMembers(
  ctx: SqlContext,
  orgId: string,
  groupId: string,
  page: { readonly after?: string; readonly limit: number },
): Promise<MemberRecord[]> {
  let query = ctx.db
    .selectFrom('memberships as m')
    .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'm.org_id').onRef('u.id', '=', 'm.member_id'))
    .leftJoin('groups as g', (j) => j.onRef('g.org_id', '=', 'm.org_id').onRef('g.id', '=', 'm.member_id'))
    .select(['m.member_id', 'm.member_type', 'u.display_name as user_display', 'u.user_name', 'g.display_name as group_display'])
    .where('m.org_id', '=', orgId)
    .where('m.group_id', '=', groupId)
    .orderBy('m.member_id')
    // A literal, not a parameter: a bound LIMIT makes SQLite re-prepare the statement every time (listing.ts).
    .limit(sql.lit(Math.max(0, Math.floor(page.limit))));
  if (page.after !== undefined) query = query.where('m.member_id', '>', page.after);
  const rows = await query.execute();
  return rows.map((r) => ({
    value: r.member_id,
    type: r.member_type,
    display: r.member_type === 'Group' ? r.group_display : (r.user_display ?? r.user_name),
  }));
}
