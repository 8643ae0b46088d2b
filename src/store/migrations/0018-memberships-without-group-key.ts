/**
 * Migration 0018: on PostgreSQL, `memberships` loses its foreign key to `groups`. PostgreSQL checks
 * such a key with one trigger call per inserted row, each locking the same group row again: 0.6–0.8
 * of the ~2 ms an add of 100 members spends inserting (docs/benchmarks.md). What the key protected
 * is kept by the code instead: every path that adds members locks the group row first (FOR UPDATE),
 * a group's deletion takes the same lock before it deletes the group's memberships, and an
 * organization's deletion deletes its memberships explicitly (sql/groups.ts, sql/memberships.ts,
 * sql/organizations.ts). SQLite keeps the key: it checks it in process for next to nothing.
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

export function membershipsWithoutGroupKeyMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of ddl.dropMembershipGroupKey?.() ?? []) await statement.execute(db);
    },
  };
}
