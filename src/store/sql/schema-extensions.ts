/** An organization's extension schemas over Kysely, and the resources holding data under one. */
import { createHash } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { SchemaDefinition } from '../../core/schema/types.ts';
import type { SchemaExtensionsTable } from '../database.ts';
import { extensionIndexStatement } from '../extension-index.ts';
import type { ExtensionResourceType, SchemaExtensionRecord } from '../records.ts';
import type { SchemaExtensionStore } from '../store.ts';
import { decodeBool, decodeJson, encodeBool, encodeJson, type SqlContext } from './context.ts';

function toRecord(ctx: SqlContext, row: Selectable<SchemaExtensionsTable>): SchemaExtensionRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    resourceType: row.resource_type === 'Group' ? 'Group' : 'User',
    required: decodeBool(row.required),
    definition: decodeJson(ctx.caps, row.definition) as SchemaDefinition,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const tableOf = (resourceType: ExtensionResourceType) => (resourceType === 'Group' ? 'groups' : 'users');

/** The extension-schema sub-store. */
export function schemaExtensionStore(ctx: SqlContext): SchemaExtensionStore {
  const get = async (orgId: string, urn: string) => {
    const row = await ctx.db.selectFrom('schema_extensions').selectAll().where('org_id', '=', orgId).where('id_lc', '=', urn.toLowerCase()).executeTakeFirst();
    return row ? toRecord(ctx, row) : undefined;
  };
  // An object under the URN key is what a resource carrying the extension looks like once validated.
  const holds = (resourceType: ExtensionResourceType, urn: string) =>
    ctx.caps.json.is({ base: sql.ref(`${tableOf(resourceType)}.resource`), path: [urn] }, 'object');
  return {
    async list(orgId) {
      const rows = await ctx.db.selectFrom('schema_extensions').selectAll().where('org_id', '=', orgId).orderBy('id_lc').execute();
      return rows.map((row) => toRecord(ctx, row));
    },
    get,
    async put(orgId, input, options = {}) {
      const current = await get(orgId, input.id);
      if (options.expectedVersion !== undefined) {
        if (!current) return { status: 'notFound' };
        if (current.version !== options.expectedVersion) return { status: 'conflict', currentVersion: current.version };
      }
      const now = ctx.now();
      const values = {
        id: input.id,
        resource_type: input.resourceType,
        required: encodeBool(ctx.caps, input.required),
        definition: encodeJson(input.definition),
        updated_at: now,
      };
      if (current) {
        const result = await ctx.db
          .updateTable('schema_extensions')
          .set({ ...values, version: current.version + 1 })
          .where('org_id', '=', orgId)
          .where('id_lc', '=', input.id.toLowerCase())
          .where('version', '=', current.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) {
          const now2 = await get(orgId, input.id);
          return now2 ? { status: 'conflict', currentVersion: now2.version } : { status: 'notFound' };
        }
      } else {
        await ctx.db
          .insertInto('schema_extensions')
          .values({ org_id: orgId, id_lc: input.id.toLowerCase(), ...values, version: 1, created_at: now })
          .execute();
      }
      const record = await get(orgId, input.id);
      return record ? { status: 'ok', record } : { status: 'notFound' };
    },
    async delete(orgId, urn) {
      const result = await ctx.db.deleteFrom('schema_extensions').where('org_id', '=', orgId).where('id_lc', '=', urn.toLowerCase()).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async countUsing(orgId, resourceType, urn) {
      const table = tableOf(resourceType);
      const row = await ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('org_id', '=', orgId)
        .where(holds(resourceType, urn))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async ensureIndex(resourceType, urn, attribute, caseExact) {
      const table = tableOf(resourceType);
      // Named after what it indexes, so every process and every organization arrives at one index.
      const digest = createHash('sha256').update(`${urn}\n${attribute}\n${caseExact}`).digest('hex').slice(0, 12);
      const name = `${table}_ext_${digest}_idx`;
      await extensionIndexStatement(ctx.caps, { table, urn, attribute, caseExact, name }).execute(ctx.db);
      return name;
    },
    async idsUsing(orgId, resourceType, urn, page) {
      const table = tableOf(resourceType);
      let query = ctx.db.selectFrom(table).select('id').where('org_id', '=', orgId).where(holds(resourceType, urn));
      if (page.after !== undefined) query = query.where('id', '>', page.after);
      const rows = await query.orderBy('id').limit(page.limit).execute();
      return rows.map((r) => r.id);
    },
  };
}
