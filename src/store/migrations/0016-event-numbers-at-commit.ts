/**
 * Migration 0016: on PostgreSQL, event numbers are taken when the writing transaction commits
 * (postgres/ddl.ts `numberEventsAtCommit`, docs/events.md) instead of by the append, so writers of
 * one organization no longer wait for each other's whole transaction. SQLite needs nothing: its
 * appends keep numbering their events themselves.
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

export function eventNumbersAtCommitMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of ddl.numberEventsAtCommit?.() ?? []) await statement.execute(db);
    },
  };
}
