/**
 * Migration 0008: the provisioning engine's state (`scimd sync`). A job is known by its name;
 * its state is shared by the CLI and the server. `sync_links` pairs each source object with its
 * target id and remembers what was last exported; `sync_watermarks` holds where the next
 * incremental read starts and the configuration fingerprint it belongs to; `sync_runs` is the
 * history of cycles. `sync_jobs` holds the jobs `scimd serve` runs on their schedule; they belong
 * to an organization (the leased job rows do) and cascade with it. Links, watermarks and runs
 * belong to a job name rather than an organization: a CLI run has none.
 */
import type { Kysely, Migration } from 'kysely';
import { cascadeToOrg } from './0001-initial.ts';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

/** The sync state tables. */
export function syncStateMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await cascadeToOrg(
        db.schema
          .createTable('sync_jobs')
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('config', ddl.json, (c) => c.notNull())
          .addColumn('enabled', ddl.boolean, (c) => c.notNull())
          .addColumn('interval_minutes', 'integer', (c) => c.notNull())
          .addColumn('next_run_at', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('sync_jobs_pk', ['org_id', 'name']),
        'sync_jobs',
      ).execute();
      await db.schema.createIndex('sync_jobs_name_uq').on('sync_jobs').column('name').unique().execute();
      await db.schema.createIndex('sync_jobs_due_idx').on('sync_jobs').columns(['enabled', 'next_run_at']).execute();
      await db.schema
        .createTable('sync_links')
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('source_hash', 'text')
        .addColumn('exported', ddl.json, (c) => c.notNull())
        .addColumn('members', ddl.json)
        .addColumn('last_error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_links_pk', ['job', 'object_type', 'source_key'])
        .execute();
      await db.schema
        .createTable('sync_watermarks')
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_watermarks_pk', ['job', 'object_type'])
        .execute();
      await db.schema
        .createTable('sync_runs')
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('summary', ddl.json)
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('sync_runs_pk', ['job', 'id'])
        .execute();
      await db.schema.createIndex('sync_runs_started_idx').on('sync_runs').columns(['job', 'started_at']).execute();
    },
  };
}
