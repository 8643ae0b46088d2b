/**
 * Migration 0017: on PostgreSQL, event numbers are given by a numbering pass after the writing
 * transaction has committed (postgres/event-numbering.ts, postgres/ddl.ts `numberEventsAfterCommit`,
 * docs/events.md) instead of by 0016's trigger at COMMIT, which held the organization's counter
 * across each commit's WAL flush so that one organization's writes committed one at a time. Adding
 * the `enqueued` column rewrites `outbox_events` once. SQLite needs nothing.
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

export function eventNumbersAfterCommitMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of ddl.numberEventsAfterCommit?.() ?? []) await statement.execute(db);
    },
  };
}
