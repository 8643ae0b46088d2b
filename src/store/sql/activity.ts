/**
 * Provisioning activity over Kysely (migration 0004): hourly SCIM request counters merged with one
 * portable `INSERT … ON CONFLICT DO UPDATE` (SQLite ≥ 3.24 and PostgreSQL share the syntax), error
 * samples, and change counts bucketed from the revision history by the first 10 or 13 characters
 * of the ISO 8601 timestamp — `substr` means the same in both dialects.
 */
import { sql, type Selectable } from 'kysely';
import type { ScimActivityTable, ScimErrorsTable } from '../database.ts';
import type { ActivityHourRecord, ScimErrorRecord } from '../records.ts';
import type { ActivityStore } from '../store.ts';
import { chunks, decodeJson, encodeJson, type SqlContext } from './context.ts';

function toHour(row: Selectable<ScimActivityTable>): ActivityHourRecord {
  return {
    orgId: row.org_id,
    hour: row.hour,
    successes: Number(row.successes),
    errors: Number(row.errors),
    lastSuccessAt: row.last_success_at,
    lastErrorAt: row.last_error_at,
  };
}

function toError(ctx: SqlContext, row: Selectable<ScimErrorsTable>): ScimErrorRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    occurredAt: row.occurred_at,
    keyId: row.key_id,
    requestId: row.request_id,
    method: row.method,
    path: row.path,
    status: Number(row.status),
    scimType: row.scim_type,
    detail: row.detail,
    body: decodeJson(ctx.caps, row.body),
  };
}

/** The later of the stored and the incoming time (either may be NULL). */
const later = (column: 'last_success_at' | 'last_error_at') =>
  sql<string | null>`case when excluded.${sql.ref(column)} is null then scim_activity.${sql.ref(column)}
    when scim_activity.${sql.ref(column)} is null or excluded.${sql.ref(column)} > scim_activity.${sql.ref(column)} then excluded.${sql.ref(column)}
    else scim_activity.${sql.ref(column)} end`;

/** The activity sub-store. */
export function activityStore(ctx: SqlContext): ActivityStore {
  return {
    async addCounts(entries) {
      for (const batch of chunks(entries, 500)) {
        const rows = batch.map((e) => ({
          org_id: e.orgId,
          hour: e.hour,
          successes: e.successes,
          errors: e.errors,
          last_success_at: e.lastSuccessAt,
          last_error_at: e.lastErrorAt,
        }));
        await ctx.db
          .insertInto('scim_activity')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['org_id', 'hour']).doUpdateSet((eb) => ({
              successes: eb('scim_activity.successes', '+', eb.ref('excluded.successes')),
              errors: eb('scim_activity.errors', '+', eb.ref('excluded.errors')),
              last_success_at: later('last_success_at'),
              last_error_at: later('last_error_at'),
            })),
          )
          .execute();
      }
    },
    async hours(orgId, range) {
      const rows = await ctx.db
        .selectFrom('scim_activity')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('hour', '>=', range.from)
        .where('hour', '<', range.to)
        .orderBy('hour')
        .execute();
      return rows.map(toHour);
    },
    async lastSuccessAt(orgId) {
      const row = await ctx.db
        .selectFrom('scim_activity')
        .select('last_success_at')
        .where('org_id', '=', orgId)
        .where('last_success_at', 'is not', null)
        .orderBy('hour', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.last_success_at ?? undefined;
    },
    async recordErrors(errors) {
      for (const batch of chunks(errors, 200)) {
        const rows = batch.map((e) => ({
          org_id: e.orgId,
          id: e.id ?? ctx.newId(),
          occurred_at: e.occurredAt,
          key_id: e.keyId,
          request_id: e.requestId,
          method: e.method,
          path: e.path,
          status: e.status,
          scim_type: e.scimType,
          detail: e.detail,
          body: encodeJson(e.body),
        }));
        await ctx.db.insertInto('scim_errors').values(rows).execute();
      }
    },
    async lastErrors(orgId, limit) {
      const rows = await ctx.db
        .selectFrom('scim_errors')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => toError(ctx, row));
    },
    async changeCounts(orgId, range) {
      // A literal length, so SELECT and GROUP BY carry the identical expression on PostgreSQL.
      const bucket = sql<string>`substr(occurred_at, 1, ${sql.lit(range.bucket === 'hour' ? 13 : 10)})`;
      const rows = await ctx.db
        .selectFrom('audit_events')
        .select([bucket.as('bucket'), 'action', (eb) => eb.fn.countAll().as('n')])
        .where('org_id', '=', orgId)
        .where('occurred_at', '>=', range.from)
        .where('occurred_at', '<', range.to)
        .where('actor_type', '=', 'scim')
        .groupBy([bucket, 'action'])
        .orderBy('bucket')
        .orderBy('action')
        .execute();
      return rows.map((row) => ({ bucket: row.bucket, action: row.action, count: Number(row.n) }));
    },
    async deleteBefore(before) {
      const hours = await ctx.db.deleteFrom('scim_activity').where('hour', '<', before.slice(0, 13)).executeTakeFirst();
      const samples = await ctx.db.deleteFrom('scim_errors').where('occurred_at', '<', before).executeTakeFirst();
      return Number(hours.numDeletedRows) + Number(samples.numDeletedRows);
    },
  };
}
