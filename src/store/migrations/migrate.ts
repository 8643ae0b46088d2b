/**
 * Forward-only, numbered migrations run by kysely's Migrator from an in-code provider (no files
 * are read at run time). `migrateToLatest` returns one result per migration, like kysely's
 * `MigrationResultSet`, instead of throwing on the first failure (STYLE.md, Errors).
 */
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { SqlStore } from '../sql/sql-store.ts';
import { initialMigration } from './0001-initial.ts';
import { administrationMigration } from './0002-administration.ts';
import { operatorsAndMailMigration } from './0003-operators-and-mail.ts';
import { provisioningActivityMigration } from './0004-provisioning-activity.ts';
import { changeAnnouncementsMigration } from './0005-change-announcements.ts';
import { eventsWebhooksMigration } from './0006-events-webhooks.ts';
import { schemaExtensionsMigration } from './0007-schema-extensions.ts';
import { syncStateMigration } from './0008-sync-state.ts';
import { explicitPoliciesMigration } from './0010-explicit-policies.ts';
import { activeByDefaultMigration } from './0011-active-by-default.ts';
import { syncLogsMigration } from './0012-sync-logs.ts';
import { syncHealthMigration } from './0013-sync-health.ts';
import { webhookDeliveryRangesMigration } from './0014-webhook-delivery-ranges.ts';
import { syncLogStepsMigration } from './0015-sync-log-steps.ts';
import { eventNumbersAtCommitMigration } from './0016-event-numbers-at-commit.ts';
import { eventNumbersAfterCommitMigration } from './0017-event-numbers-after-commit.ts';
import { fewerWritePathKeysMigration } from './0018-fewer-write-path-keys.ts';
import type { DdlDetails } from './ddl.ts';

/** Every migration, by name; names sort in the order they must run. Never edit a released one. */
export function migrations(ddl: DdlDetails): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(ddl),
    '0002-administration': administrationMigration(ddl),
    '0003-operators-and-mail': operatorsAndMailMigration(ddl),
    '0004-provisioning-activity': provisioningActivityMigration(ddl),
    '0005-change-announcements': changeAnnouncementsMigration(ddl),
    '0006-events-webhooks': eventsWebhooksMigration(ddl),
    '0007-schema-extensions': schemaExtensionsMigration(ddl),
    '0008-sync-state': syncStateMigration(ddl),
    '0010-explicit-policies': explicitPoliciesMigration(ddl),
    '0011-active-by-default': activeByDefaultMigration(ddl),
    '0012-sync-logs': syncLogsMigration(ddl),
    '0013-sync-health': syncHealthMigration(ddl),
    '0014-webhook-delivery-ranges': webhookDeliveryRangesMigration(),
    '0015-sync-log-steps': syncLogStepsMigration(),
    '0016-event-numbers-at-commit': eventNumbersAtCommitMigration(ddl),
    '0017-event-numbers-after-commit': eventNumbersAfterCommitMigration(ddl),
    '0018-fewer-write-path-keys': fewerWritePathKeysMigration(ddl),
  };
}

/** The outcome of one migration in a run. */
export interface MigrationOutcome {
  readonly name: string;
  readonly status: 'Success' | 'Error' | 'NotExecuted';
}

/** What `migrateToLatest` reports: the per-migration outcomes and the error that stopped the run. */
export interface MigrationReport {
  readonly results: readonly MigrationOutcome[];
  readonly error?: unknown;
}

function migrator(store: SqlStore): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(store.ddl) };
  return new Migrator({
    db: store.kysely,
    provider,
    migrationTableName: 'scimd_migration',
    migrationLockTableName: 'scimd_migration_lock',
  });
}

/**
 * Whether every migration is already recorded: one query, without kysely's table introspection and
 * lock, so a restart of an up-to-date database costs a single read. Any failure (no table yet)
 * answers false and leaves the decision to the Migrator.
 */
async function isUpToDate(store: SqlStore): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from scimd_migration`.execute(store.kysely);
    const applied = new Set(rows.map((r) => r.name));
    return Object.keys(migrations(store.ddl)).every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/** Applies every pending migration in order; stops at the first failure and reports it. */
export async function migrateToLatest(store: SqlStore): Promise<MigrationReport> {
  if (await isUpToDate(store)) return { results: [] };
  const { results, error } = await migrator(store).migrateToLatest();
  const outcomes = (results ?? []).map((r) => ({ name: r.migrationName, status: r.status }));
  return error === undefined ? { results: outcomes } : { results: outcomes, error };
}

/** Names of the migrations already applied, oldest first. */
export async function appliedMigrations(store: SqlStore): Promise<string[]> {
  const all = await migrator(store).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
