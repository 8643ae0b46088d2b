/**
 * Leased background jobs (DESIGN.md §5). A lease is one statement: `UPDATE … WHERE id IN (SELECT
 * due jobs … [FOR UPDATE SKIP LOCKED]) RETURNING *`. On PostgreSQL the SKIP LOCKED sub-select lets
 * concurrent workers take disjoint jobs; SQLite has a single writer, so the UPDATE is atomic as is.
 */
import type { Selectable } from 'kysely';
import type { JobsTable } from '../database.ts';
import type { JobRecord, JobStatus } from '../records.ts';
import type { JobStore } from '../store.ts';
import { decodeJson, encodeJson, type SqlContext } from './context.ts';

function toRecord(ctx: SqlContext, row: Selectable<JobsTable>): JobRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    kind: row.kind,
    dedupeKey: row.dedupe_key,
    payload: decodeJson(ctx.caps, row.payload),
    status: row.status as JobStatus,
    runAt: row.run_at,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    leasedBy: row.leased_by,
    leaseExpiresAt: row.lease_expires_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** The job sub-store. */
export function jobStore(ctx: SqlContext): JobStore {
  return {
    async enqueue(orgId, job) {
      const now = ctx.now();
      const row = {
        org_id: orgId,
        id: job.id ?? ctx.newId(),
        kind: job.kind,
        dedupe_key: job.dedupeKey ?? null,
        payload: encodeJson(job.payload ?? null),
        status: 'pending',
        run_at: job.runAt ?? now,
        attempts: 0,
        max_attempts: job.maxAttempts ?? 5,
        leased_by: null,
        lease_expires_at: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      };
      const inserted = await ctx.db.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
      return inserted ? toRecord(ctx, inserted) : undefined;
    },
    async lease(worker, options) {
      const now = ctx.now();
      let due = ctx.db
        .selectFrom('jobs')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
            eb.and([eb('status', '=', 'leased'), eb('lease_expires_at', '<=', now)]),
          ]),
        )
        .orderBy('run_at')
        .orderBy('id')
        .limit(options.limit);
      if (options.kinds !== undefined) due = due.where('kind', 'in', options.kinds.length > 0 ? options.kinds : ['']);
      if (ctx.caps.supportsSkipLocked) due = due.forUpdate().skipLocked();
      const rows = await ctx.db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'leased',
          leased_by: worker,
          lease_expires_at: plus(now, options.leaseMs),
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return rows.map((row) => toRecord(ctx, row)).sort((a, b) => (a.runAt + a.id < b.runAt + b.id ? -1 : 1));
    },
    async complete(id, worker) {
      const result = await ctx.db
        .updateTable('jobs')
        .set({ status: 'done', leased_by: null, lease_expires_at: null, updated_at: ctx.now() })
        .where('id', '=', id)
        .where('leased_by', '=', worker)
        .where('status', '=', 'leased')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async fail(id, worker, error, retryAt) {
      const result = await ctx.db
        .updateTable('jobs')
        .set((eb) => ({
          status: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then('failed').else('pending').end(),
          run_at: retryAt,
          leased_by: null,
          lease_expires_at: null,
          last_error: error,
          updated_at: ctx.now(),
        }))
        .where('id', '=', id)
        .where('leased_by', '=', worker)
        .where('status', '=', 'leased')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async get(id) {
      const row = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(ctx, row) : undefined;
    },
  };
}
