/**
 * Migration 0013: escrow and quarantine of provisioning jobs. A link that failed remembers how
 * many times in a row (`failures`) and when it may be tried again (`retry_at`): failed objects
 * are retried on later cycles with back-off. `sync_job_health` holds one row per job name (a CLI
 * job has no organization): its quarantine (reason, since when, how far the schedule has
 * stepped, which reason was mailed), when the last failure mail went out, when the job was
 * disabled after four weeks in quarantine, the progress of its running cycle and its next run.
 * Three more indexes serve the provisioning-log filters (identity by target id, cycle, status).
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

/** Escrow columns on sync_links and the sync_job_health table. */
export function syncHealthMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await db.schema.alterTable('sync_links').addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('sync_links').addColumn('retry_at', 'text').execute();
      await db.schema
        .createTable('sync_job_health')
        .addColumn('job', 'text', (c) => c.notNull().primaryKey())
        .addColumn('quarantine_reason', 'text')
        .addColumn('quarantine_code', 'text')
        .addColumn('quarantined_at', 'text')
        .addColumn('quarantine_step', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('notified_code', 'text')
        .addColumn('failure_mail_at', 'text')
        .addColumn('disabled_at', 'text')
        .addColumn('next_run_at', 'text')
        .addColumn('progress', ddl.json)
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Provisioning-log filters that 0012's (job, at) and (job, source_key) indexes left to a scan
      // of the job's entries: by target id (the identity filter ORs it with the source key), by
      // cycle, and by status (newest first).
      // Identity lookups end with `at` so the newest-first order comes from the index: with only
      // (job, source_key), SQLite preferred walking (job, at) over the whole job.
      await db.schema.dropIndex('sync_logs_source_idx').execute();
      await db.schema.createIndex('sync_logs_source_idx').on('sync_logs').columns(['job', 'source_key', 'at']).execute();
      await db.schema.createIndex('sync_logs_target_idx').on('sync_logs').columns(['job', 'target_id', 'at']).execute();
      await db.schema.createIndex('sync_logs_run_idx').on('sync_logs').columns(['job', 'run_id', 'at']).execute();
      await db.schema.createIndex('sync_logs_status_idx').on('sync_logs').columns(['job', 'status', 'at']).execute();
    },
  };
}
