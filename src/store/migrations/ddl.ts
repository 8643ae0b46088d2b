/**
 * The few DDL details that differ between dialects, supplied by each adapter's `ddl.ts` so the
 * migrations themselves stay dialect-neutral.
 */
import type { RawBuilder } from 'kysely';

export interface DdlDetails {
  /** Column type of JSON documents (`text` on SQLite, `jsonb` on PostgreSQL). */
  readonly json: 'text' | 'jsonb';
  /** Column type of booleans (`integer` 0/1 on SQLite, `boolean` on PostgreSQL). */
  readonly boolean: 'integer' | 'boolean';
  /**
   * Appended to tables whose rows are small and fully described by their primary key
   * (memberships, value rows): SQLite's `WITHOUT ROWID` stores them once, clustered by key.
   */
  readonly compactTable?: RawBuilder<unknown>;
}
