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

export const postgresDdl: DdlDetails = Object.freeze({
  json: 'jsonb',
  boolean: 'boolean',
  announceChanges,
});
