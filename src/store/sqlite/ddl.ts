/** SQLite DDL details: JSON as TEXT, booleans as INTEGER 0/1, small key-only tables WITHOUT ROWID. */
import { sql } from 'kysely';
import type { DdlDetails } from '../migrations/ddl.ts';

export const sqliteDdl: DdlDetails = Object.freeze({
  json: 'text',
  boolean: 'integer',
  compactTable: sql`without rowid`,
});
