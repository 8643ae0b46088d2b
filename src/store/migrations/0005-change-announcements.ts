/**
 * Migration 0005: changes to organizations, roles and API keys announce themselves to every scimd
 * process (revocation and the SCIM toggle take effect on the next request, also when the
 * CLI or another instance made them). Where the dialect needs statements for that (PostgreSQL's
 * NOTIFY triggers, see postgres/ddl.ts), they are installed here; SQLite needs none.
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails, WatchedTable } from './ddl.ts';

/** The channel the announcements go to (a PostgreSQL identifier). */
export const CONFIG_CHANGE_CHANNEL = 'scimd_config_changed';

/**
 * What the caches hold: a key's principal (its organization's toggle and settings, the key's
 * revocation, expiry, scopes, allow-list) and an organization's policy rules (settings, role names).
 * `last_used_at` is deliberately absent: its batched writes would empty the caches every 30 s.
 */
export const WATCHED_TABLES: readonly WatchedTable[] = [
  { table: 'organizations', columns: ['scim_enabled', 'settings', 'name', 'slug'] },
  { table: 'roles', columns: ['name'] },
  { table: 'api_keys', columns: ['revoked_at', 'expires_at', 'scopes', 'ip_allowlist', 'description', 'type', 'secret_hash'] },
];

export function changeAnnouncementsMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of ddl.announceChanges?.(CONFIG_CHANGE_CHANNEL, WATCHED_TABLES) ?? []) await statement.execute(db);
    },
  };
}
