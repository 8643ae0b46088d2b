/** What the shared SQL code needs to know about SQLite (3.35+, through better-sqlite3). */
import type { SqlCapabilities } from '../capabilities.ts';
import { sqliteJsonSql } from './json-sql.ts';

export const sqliteCapabilities: SqlCapabilities = Object.freeze<SqlCapabilities>({
  name: 'sqlite',
  booleanAsInteger: true,
  json: sqliteJsonSql,
  jsonType: 'text',
  lowerFunction: 'scimd_lower',
  likeIsCaseInsensitive: true,
  supportsSkipLocked: false,
  supportsReturning: true,
  eventNumbersAfterCommit: false,
  supportsRowValues: true,
  // SQLite's default collation, BINARY, is code point order already (for UTF-8 text).
  binaryOrder: (value) => value,
});
