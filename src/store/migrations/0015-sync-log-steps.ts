/**
 * Migration 0015: per-step detail on provisioning-log entries, and the hourly limit of the hold
 * mail. `sync_logs.steps` holds the steps an object went through in its cycle (Import → Scope →
 * Match → Action, each with status, a sentence and short details) as compact JSON text on both
 * dialects: it is only ever read back whole, never queried into, and text keeps it smaller than
 * jsonb's parsed form. Rows written before this migration have none (read as no steps).
 * `sync_job_health` learns what the last failure mail was about and when the last
 * deletion-threshold hold mail went out (and about which object type), so each goes out at most
 * once an hour per job unless its reason changes.
 */
import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/** The steps column of sync_logs and the mail-limit columns of sync_job_health. */
export function syncLogStepsMigration(): Migration {
  return {
    async up(db: Db) {
      await db.schema.alterTable('sync_logs').addColumn('steps', 'text').execute();
      await db.schema.alterTable('sync_job_health').addColumn('failure_mail_code', 'text').execute();
      await db.schema.alterTable('sync_job_health').addColumn('held_mail_at', 'text').execute();
      await db.schema.alterTable('sync_job_health').addColumn('held_mail_code', 'text').execute();
    },
  };
}
