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
  /**
   * Statements that make every committed change to `watched` announce itself on `channel`
   * (PostgreSQL: statement triggers that NOTIFY). Absent where the database tells other processes
   * of changes by itself (SQLite's `PRAGMA data_version`).
   */
  readonly announceChanges?: (channel: string, watched: readonly WatchedTable[]) => readonly RawBuilder<unknown>[];
  /**
   * Statements that make the database number a transaction's new `outbox_events` rows when it
   * commits (PostgreSQL: a deferred constraint trigger). Absent where appends number their events
   * themselves (SQLite: one writer at a time, so taking the number in the transaction costs no wait).
   * Replaced by `numberEventsAfterCommit` (migration 0017); kept because migration 0016 runs it.
   */
  readonly numberEventsAtCommit?: () => readonly RawBuilder<unknown>[];
  /**
   * Statements that let committed `outbox_events` rows be numbered after their transaction by a
   * numbering pass (PostgreSQL: postgres/event-numbering.ts). Absent where appends number their
   * events themselves. The dialect's capabilities say which applies (`eventNumbersAfterCommit`).
   */
  readonly numberEventsAfterCommit?: () => readonly RawBuilder<unknown>[];
  /**
   * Statements that drop the foreign keys of `memberships` to `groups` and of `audit_events` and
   * `outbox_events` to `organizations` (PostgreSQL, where each costs a trigger call and a row lock per
   * inserted row; migration 0018). Absent where the keys stay (SQLite).
   */
  readonly dropWritePathKeys?: () => readonly RawBuilder<unknown>[];
}

/** A table whose changes other processes must learn of, and the UPDATEs that count. */
export interface WatchedTable {
  readonly table: string;
  /** An UPDATE counts when it sets one of these columns (INSERT and DELETE always count). */
  readonly columns: readonly string[];
}
