/** What the shared SQL code needs to know about PostgreSQL (13+, through node-postgres). */
import { sql } from 'kysely';
import type { SqlCapabilities } from '../capabilities.ts';
import { postgresJsonSql } from './json-sql.ts';

export const postgresCapabilities: SqlCapabilities = Object.freeze<SqlCapabilities>({
  name: 'postgres',
  booleanAsInteger: false,
  json: postgresJsonSql,
  jsonType: 'jsonb',
  lowerFunction: 'lower',
  likeIsCaseInsensitive: false,
  supportsSkipLocked: true,
  supportsReturning: true,
  eventNumbersAfterCommit: true,
  supportsRowValues: true,
  // json (not jsonb) keeps the keys in the order written; node-postgres parses it.
  userGroupsColumn: sql`(select coalesce(json_agg(json_build_object('value', g.id, 'display', g.display_name) order by g.id), '[]'::json)
from groups g where g.org_id = users.org_id and g.id in (select m.group_id from memberships m where m.org_id = users.org_id and m.member_id = users.id))`,
  // The database's collation may be linguistic (en_US.UTF-8); "C" is byte order, which for UTF-8 is code point order.
  binaryOrder: (value) => sql`${value} collate "C"`,
});
