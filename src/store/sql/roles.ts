/** Roles over Kysely: predefined and custom per organization, named exactly by `userType`. */
import type { Selectable } from 'kysely';
import type { RolesTable } from '../database.ts';
import type { RoleRecord } from '../records.ts';
import type { RoleStore } from '../store.ts';
import { decodeBool, encodeBool, withUniqueness, type SqlContext } from './context.ts';

function toRecord(row: Selectable<RolesTable>): RoleRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    name: row.name,
    description: row.description,
    predefined: decodeBool(row.predefined),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The role sub-store. */
export function roleStore(ctx: SqlContext): RoleStore {
  const one = async (orgId: string, column: 'id' | 'name', value: string) => {
    const row = await ctx.db.selectFrom('roles').selectAll().where('org_id', '=', orgId).where(column, '=', value).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  };
  return {
    async create(orgId, input) {
      const now = ctx.now();
      const row = {
        org_id: orgId,
        id: input.id ?? ctx.newId(),
        name: input.name,
        description: input.description ?? null,
        predefined: encodeBool(ctx.caps, input.predefined ?? false),
        created_at: now,
        updated_at: now,
      };
      await withUniqueness(ctx, { name: input.name, id: row.id }, () => ctx.db.insertInto('roles').values(row).execute());
      return toRecord(row);
    },
    async list(orgId) {
      const rows = await ctx.db.selectFrom('roles').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
      return rows.map(toRecord);
    },
    findByName: (orgId, name) => one(orgId, 'name', name),
    get: (orgId, id) => one(orgId, 'id', id),
    async update(orgId, id, changes) {
      const set = {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        updated_at: ctx.now(),
      };
      await withUniqueness(ctx, { name: changes.name }, () =>
        ctx.db.updateTable('roles').set(set).where('org_id', '=', orgId).where('id', '=', id).execute(),
      );
      return one(orgId, 'id', id);
    },
    async delete(orgId, id) {
      const result = await ctx.db.deleteFrom('roles').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async countUsers(orgId, name) {
      const row = await ctx.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('org_id', '=', orgId)
        .where('user_type', '=', name)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
