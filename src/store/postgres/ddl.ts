/** PostgreSQL DDL details: JSONB and native BOOLEAN; every table is heap-organised. */
import { sql } from 'kysely';
import type { DdlDetails, WatchedTable } from '../migrations/ddl.ts';

/**
 * One trigger function that NOTIFYs the channel, and per watched table a statement-level trigger
 * calling it. NOTIFY is transactional: listeners hear it only if the transaction commits, and
 * repeated notifications of one transaction arrive once.
 */
function announceChanges(channel: string, watched: readonly WatchedTable[]) {
  const fn = sql.id(`${channel}_notify`);
  return [
    sql`create or replace function ${fn}() returns trigger language plpgsql as $$
begin
  perform pg_notify(${sql.lit(channel)}, tg_table_name);
  return null;
end
$$`,
    ...watched.map(
      ({ table, columns }) =>
        sql`create trigger ${sql.id(`${table}_${channel}`)}
after insert or update of ${sql.join(columns.map((c) => sql.id(c)))} or delete on ${sql.table(table)}
for each statement execute function ${fn}()`,
    ),
  ];
}

/**
 * Event numbers taken at COMMIT (docs/events.md, "How `sequence` can never be skipped"): an append
 * inserts its `outbox_events` row without a number, and a deferred constraint trigger numbers each
 * such row when its transaction commits — upserting the organization's `event_sequences` row, which
 * stays locked until the commit is visible, then setting the row's `sequence`. A writer therefore
 * holds the organization's counter only while it commits, not for the rest of its transaction.
 * Deferred triggers fire in the order their rows were inserted, so one transaction's events keep
 * their order. Rows inserted with a number (migrations, imports) are left alone.
 */
function numberEventsAtCommit() {
  return [
    sql`create or replace function scimd_number_event() returns trigger language plpgsql as $$
declare
  next_sequence integer;
begin
  insert into event_sequences as s (org_id, last_sequence, pruned_through) values (new.org_id, 1, 0)
    on conflict (org_id) do update set last_sequence = s.last_sequence + 1
    returning s.last_sequence into next_sequence;
  update outbox_events set sequence = next_sequence where org_id = new.org_id and id = new.id;
  return null;
end
$$`,
    // CREATE CONSTRAINT TRIGGER has no OR REPLACE; dropping first lets the statements run again.
    sql`drop trigger if exists outbox_events_number_at_commit on outbox_events`,
    sql`create constraint trigger outbox_events_number_at_commit after insert on outbox_events
deferrable initially deferred for each row when (new.sequence is null) execute function scimd_number_event()`,
  ];
}

export const postgresDdl: DdlDetails = Object.freeze({
  json: 'jsonb',
  boolean: 'boolean',
  announceChanges,
  numberEventsAtCommit,
});
