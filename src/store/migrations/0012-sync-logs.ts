/**
 * Migration 0012: provisioning logs (`scimd sync logs`). One row per object per cycle that did
 * something or failed. `sync_deletion_approvals` holds a job's pending approval to go past its
 * accidental-deletion threshold (`scimd sync approve-deletions`), consumed by the next cycle. Like the rest of the sync state they belong to a job name (a CLI job has no
 * organization); the indexes serve the newest-first listing per job and the retention sweep.
 */
import type { Kysely, Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

/** The sync_logs table. */
export function syncLogsMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await db.schema
        .createTable('sync_logs')
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('error_code', 'text')
        .addColumn('modified', ddl.json, (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_logs_pk', ['job', 'id'])
        .execute();
      await db.schema.createIndex('sync_logs_at_idx').on('sync_logs').columns(['job', 'at']).execute();
      await db.schema.createIndex('sync_logs_source_idx').on('sync_logs').columns(['job', 'source_key']).execute();
      await db.schema
        .createTable('sync_deletion_approvals')
        .addColumn('job', 'text', (c) => c.notNull().primaryKey())
        .addColumn('approved_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
