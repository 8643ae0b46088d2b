/**
 * Migration 0007: an organization's own extension schemas (RFC 7643 §7, §3.3). One row per
 * registered schema: the definition as `/Schemas` serves it, the resource type it extends (`User` or
 * `Group`), whether resources must carry it (`schemaExtensions[].required`), and a version that
 * every replacement raises. The URN is unique per organization regardless of case (`id_lc`).
 * Changes announce themselves to every scimd process like the other configuration tables, so a
 * new or changed definition is used on the next request everywhere.
 */
import type { Kysely, Migration } from 'kysely';
import { cascadeToOrg } from './0001-initial.ts';
import { CONFIG_CHANGE_CHANNEL } from './0005-change-announcements.ts';
import type { DdlDetails, WatchedTable } from './ddl.ts';

/** The table whose changes the schema caches must hear of. */
export const SCHEMA_EXTENSION_WATCH: WatchedTable = {
  table: 'schema_extensions',
  columns: ['id', 'resource_type', 'required', 'definition', 'version'],
};

export function schemaExtensionsMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await cascadeToOrg(
        db.schema
          .createTable('schema_extensions')
          .addColumn('org_id', 'text', (c) => c.notNull())
          // The URN lower-cased: schema ids are compared case-insensitively (RFC 7643 §7 ids are URIs).
          .addColumn('id_lc', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('resource_type', 'text', (c) => c.notNull())
          .addColumn('required', ddl.boolean, (c) => c.notNull())
          .addColumn('definition', ddl.json, (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('schema_extensions_pk', ['org_id', 'id_lc']),
        'schema_extensions',
      ).execute();
      for (const statement of ddl.announceChanges?.(CONFIG_CHANGE_CHANNEL, [SCHEMA_EXTENSION_WATCH]) ?? []) await statement.execute(db);
    },
  };
}
