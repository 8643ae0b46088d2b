/** What the shared SQL code needs to know about SQLite (3.35+, through better-sqlite3). */
import { sql } from 'kysely';
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
  // Aggregate ORDER BY needs SQLite 3.44 (better-sqlite3 12 bundles 3.5x).
  userGroupsColumn: sql`(select json_group_array(json_object('value', g.id, 'display', g.display_name) order by g.id)
from groups g where g.org_id = users.org_id and g.id in (select m.group_id from memberships m where m.org_id = users.org_id and m.member_id = users.id))`,
  // SQLite's default collation, BINARY, is code point order already (for UTF-8 text).
  binaryOrder: (value) => value,
});
