/** Organizations (tenants) over Kysely, shared by both dialects (DESIGN.md §3). */
import { sql, type Selectable } from 'kysely';
import type { OrganizationsTable } from '../database.ts';
import type { OrganizationRecord } from '../records.ts';
import type { NewOrganization, OrganizationChanges, OrganizationStore } from '../store.ts';
import { decodeBool, decodeJson, encodeBool, encodeJson, withUniqueness, type SqlContext } from './context.ts';

/**
 * Tables deleted with an organization, children first. Foreign keys cascade too; deleting
 * explicitly keeps the order obvious and does not depend on cascade support.
 */
const ORG_TABLES = [
  'memberships',
  'user_values',
  'users',
  'groups',
  'api_keys',
  'roles',
  'audit_events',
  'outbox_events',
  'jobs',
  'setup_links',
  'mail_log',
  'scim_activity',
  'scim_errors',
  'schema_extensions',
  'webhook_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
  'event_sequences',
] as const;

/**
 * Tables that have no foreign key to a parent row on PostgreSQL (migration 0018), deleted once more
 * after the organization's row. By then every write the deletion met has committed — it waited at
 * the row the write had locked (a group a member add holds) or at the organization's row (which
 * every new user, group or key locks through its foreign key) — and what such a write appended to
 * these tables after the first pass is visible to the second.
 */
const UNKEYED_TABLES = ['memberships', 'audit_events', 'outbox_events'] as const;

function toRecord(ctx: SqlContext, row: Selectable<OrganizationsTable>): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    scimEnabled: decodeBool(row.scim_enabled),
    settings: (decodeJson(ctx.caps, row.settings) ?? {}) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The organization sub-store. */
export function organizationStore(ctx: SqlContext): OrganizationStore {
  const byColumn = async (column: 'id' | 'slug', value: string) => {
    const row = await ctx.db.selectFrom('organizations').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? toRecord(ctx, row) : undefined;
  };
  return {
    async create(input: NewOrganization) {
      const now = ctx.now();
      const row = {
        id: input.id ?? ctx.newId(),
        name: input.name,
        slug: input.slug,
        scim_enabled: encodeBool(ctx.caps, input.scimEnabled ?? true),
        settings: encodeJson(input.settings ?? {}),
        created_at: now,
        updated_at: now,
      };
      await withUniqueness(ctx, { slug: input.slug, id: row.id }, () =>
        ctx.db.insertInto('organizations').values(row).execute(),
      );
      return { ...toRecord(ctx, { ...row, settings: null }), settings: input.settings ?? {} };
    },
    get: (id) => byColumn('id', id),
    getBySlug: (slug) => byColumn('slug', slug),
    async list(page = {}) {
      let query = ctx.db.selectFrom('organizations').selectAll().orderBy('id').limit(page.limit ?? 1000);
      if (page.after !== undefined) query = query.where('id', '>', page.after);
      if (page.search !== undefined && page.search !== '') {
        const pattern = `%${page.search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        query = query.where((eb) => eb.or([
          sql<boolean>`lower(name) like ${pattern} escape '\\'`,
          sql<boolean>`lower(slug) like ${pattern} escape '\\'`,
        ]));
      }
      return (await query.execute()).map((row) => toRecord(ctx, row));
    },
    async update(id: string, changes: OrganizationChanges) {
      const set = {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.slug === undefined ? {} : { slug: changes.slug }),
        ...(changes.scimEnabled === undefined ? {} : { scim_enabled: encodeBool(ctx.caps, changes.scimEnabled) }),
        ...(changes.settings === undefined ? {} : { settings: encodeJson(changes.settings) }),
        updated_at: ctx.now(),
      };
      await withUniqueness(ctx, { slug: changes.slug }, () =>
        ctx.db.updateTable('organizations').set(set).where('id', '=', id).execute(),
      );
      return byColumn('id', id);
    },
    async delete(id: string) {
      for (const table of ORG_TABLES) {
        await ctx.db.deleteFrom(table).where('org_id', '=', id).execute();
      }
      const result = await ctx.db.deleteFrom('organizations').where('id', '=', id).executeTakeFirst();
      for (const table of UNKEYED_TABLES) {
        await ctx.db.deleteFrom(table).where('org_id', '=', id).execute();
      }
      return Number(result.numDeletedRows) > 0;
    },
  };
}
