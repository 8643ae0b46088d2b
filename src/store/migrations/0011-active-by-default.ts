/**
 * Migration 0011: users stored without `active` become `active: true`, in the JSON document and in
 * the `active` column. A user written without `active` is active (core/schema/user.ts,
 * `withActiveDefault`); from now on every write stores it, and this brings the rows written before
 * in line, so filters, listings and the CLI agree. `version` is left alone: the representation
 * means the same as before, which is what a weak ETag promises.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

export function activeByDefaultMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (ddl.json === 'jsonb') {
        await sql`update users set active = true, resource = jsonb_set(resource, '{active}', 'true'::jsonb)
          where resource->'active' is null or jsonb_typeof(resource->'active') = 'null'`.execute(db);
      } else {
        await sql`update users set active = 1, resource = json_set(resource, '$.active', json('true'))
          where json_type(resource, '$.active') is null or json_type(resource, '$.active') = 'null'`.execute(db);
      }
    },
  };
}
