/**
 * Migration 0018: on PostgreSQL, three foreign keys on the write path go.
 * - `memberships` → `groups`: PostgreSQL checks it with one trigger call per inserted member, each
 *   locking the same group row again (0.6–0.8 ms of an add of 100 members).
 * - `audit_events` → `organizations` and `outbox_events` → `organizations`: every write appends one
 *   row to each, and each check takes a KEY SHARE lock on the organization's row. Concurrent writes
 *   of one organization then share that row lock through a MultiXact that every new writer rewrites
 *   (POST /Users 1.11–1.28× the rate without them; docs/benchmarks.md).
 * What the keys protected is kept by the code: every member add locks the group row first (FOR
 * UPDATE) and a group's deletion takes the same lock before it deletes the group's memberships;
 * an organization's deletion deletes these tables once more after the organization's row, by which
 * time every write it waited for has committed (sql/groups.ts, sql/memberships.ts,
 * sql/organizations.ts). SQLite keeps the keys: it checks them in process, nearly for free, and
 * one writer at a time never waits for another's lock.
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

export function fewerWritePathKeysMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of ddl.dropWritePathKeys?.() ?? []) await statement.execute(db);
    },
  };
}
