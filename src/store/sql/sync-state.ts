/** The sync state sub-store (see src/store/sync-state.ts): plain Kysely shared by both dialects. */
import type { Selectable } from 'kysely';
import type { SyncJobHealthTable, SyncJobsTable, SyncLinksTable, SyncLogsTable, SyncRunsTable } from '../database.ts';
import type { SyncJobHealth, SyncProgress, SyncJobRecord, SyncLinkRecord, SyncLinkState, SyncLogAction, SyncLogEntry, SyncLogStatus, SyncLogStore, SyncModifiedProperty, SyncObjectType, SyncStep, SyncRunRecord, SyncRunStatus, SyncStateStore } from '../sync-state.ts';
import { chunks, decodeBool, decodeJson, encodeBool, encodeJson, type SqlContext } from './context.ts';

function linkOf(ctx: SqlContext, row: Selectable<SyncLinksTable>): SyncLinkRecord {
  return {
    job: row.job,
    objectType: row.object_type as SyncObjectType,
    sourceKey: row.source_key,
    targetId: row.target_id,
    state: row.state as SyncLinkState,
    sourceHash: row.source_hash,
    exported: (decodeJson(ctx.caps, row.exported) ?? {}) as Record<string, unknown>,
    members: (decodeJson(ctx.caps, row.members) ?? null) as string[] | null,
    lastError: row.last_error,
    failures: Number(row.failures ?? 0),
    retryAt: row.retry_at ?? null,
    updatedAt: row.updated_at,
  };
}

function healthOf(ctx: SqlContext, row: Selectable<SyncJobHealthTable>): SyncJobHealth {
  return {
    job: row.job,
    quarantineReason: row.quarantine_reason,
    quarantineCode: row.quarantine_code,
    quarantinedAt: row.quarantined_at,
    quarantineStep: Number(row.quarantine_step),
    notifiedCode: row.notified_code,
    failureMailAt: row.failure_mail_at,
    failureMailCode: row.failure_mail_code ?? null,
    heldMailAt: row.held_mail_at ?? null,
    heldMailCode: row.held_mail_code ?? null,
    disabledAt: row.disabled_at,
    nextRunAt: row.next_run_at,
    progress: (decodeJson(ctx.caps, row.progress) ?? null) as SyncProgress | null,
  };
}

function runOf(ctx: SqlContext, row: Selectable<SyncRunsTable>): SyncRunRecord {
  return {
    job: row.job,
    id: row.id,
    kind: row.kind as SyncRunRecord['kind'],
    status: row.status as SyncRunStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    summary: decodeJson(ctx.caps, row.summary) ?? null,
    error: row.error,
  };
}

function jobOf(ctx: SqlContext, row: Selectable<SyncJobsTable>): SyncJobRecord {
  return {
    orgId: row.org_id,
    name: row.name,
    config: decodeJson(ctx.caps, row.config),
    enabled: decodeBool(row.enabled),
    intervalMinutes: Number(row.interval_minutes),
    nextRunAt: row.next_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The sync state sub-store. */
export function syncStateStore(ctx: SqlContext): SyncStateStore {
  return {
    async links(job, objectType) {
      const rows = await ctx.db.selectFrom('sync_links').selectAll().where('job', '=', job).where('object_type', '=', objectType).execute();
      return rows.map((row) => linkOf(ctx, row));
    },
    async saveLinks(links) {
      const now = ctx.now();
      for (const part of chunks(links, 200)) {
        const rows = part.map((link) => ({
          job: link.job,
          object_type: link.objectType,
          source_key: link.sourceKey,
          target_id: link.targetId,
          state: link.state,
          source_hash: link.sourceHash,
          exported: encodeJson(link.exported),
          members: link.members === null ? null : encodeJson(link.members),
          last_error: link.lastError,
          failures: link.failures ?? 0,
          retry_at: link.retryAt ?? null,
          updated_at: now,
        }));
        await ctx.db
          .insertInto('sync_links')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['job', 'object_type', 'source_key']).doUpdateSet((eb) => ({
              target_id: eb.ref('excluded.target_id'),
              state: eb.ref('excluded.state'),
              source_hash: eb.ref('excluded.source_hash'),
              exported: eb.ref('excluded.exported'),
              members: eb.ref('excluded.members'),
              last_error: eb.ref('excluded.last_error'),
              failures: eb.ref('excluded.failures'),
              retry_at: eb.ref('excluded.retry_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    },
    async deleteLinks(job, objectType, sourceKeys) {
      for (const part of chunks(sourceKeys, 500)) {
        await ctx.db.deleteFrom('sync_links').where('job', '=', job).where('object_type', '=', objectType).where('source_key', 'in', part).execute();
      }
    },
    async watermark(job, objectType) {
      const row = await ctx.db.selectFrom('sync_watermarks').select(['value', 'fingerprint']).where('job', '=', job).where('object_type', '=', objectType).executeTakeFirst();
      return row === undefined ? undefined : { value: row.value, fingerprint: row.fingerprint };
    },
    async setWatermark(job, objectType, watermark) {
      await ctx.db
        .insertInto('sync_watermarks')
        .values({ job, object_type: objectType, value: watermark.value, fingerprint: watermark.fingerprint, updated_at: ctx.now() })
        .onConflict((oc) => oc.columns(['job', 'object_type']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), fingerprint: eb.ref('excluded.fingerprint'), updated_at: eb.ref('excluded.updated_at') })))
        .execute();
    },
    async startRun(run) {
      const row = { job: run.job, id: run.id, kind: run.kind, status: 'running', started_at: ctx.now(), ended_at: null, summary: null, error: null };
      await ctx.db.insertInto('sync_runs').values(row).execute();
      return runOf(ctx, row);
    },
    async finishRun(job, id, outcome) {
      await ctx.db
        .updateTable('sync_runs')
        .set({ status: outcome.status, ended_at: ctx.now(), summary: encodeJson(outcome.summary), error: outcome.error ?? null })
        .where('job', '=', job)
        .where('id', '=', id)
        .execute();
    },
    async runs(job, limit) {
      const rows = await ctx.db.selectFrom('sync_runs').selectAll().where('job', '=', job).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => runOf(ctx, row));
    },
    async putJob(job) {
      const now = ctx.now();
      const row = {
        org_id: job.orgId,
        name: job.name,
        config: encodeJson(job.config),
        enabled: encodeBool(ctx.caps, job.enabled),
        interval_minutes: job.intervalMinutes,
        next_run_at: job.nextRunAt,
        created_at: now,
        updated_at: now,
      };
      const saved = await ctx.db
        .insertInto('sync_jobs')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['org_id', 'name']).doUpdateSet((eb) => ({
            config: eb.ref('excluded.config'),
            enabled: eb.ref('excluded.enabled'),
            interval_minutes: eb.ref('excluded.interval_minutes'),
            next_run_at: eb.ref('excluded.next_run_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return jobOf(ctx, saved);
    },
    async getJob(name) {
      const row = await ctx.db.selectFrom('sync_jobs').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : jobOf(ctx, row);
    },
    async listJobs() {
      const rows = await ctx.db.selectFrom('sync_jobs').selectAll().orderBy('name').execute();
      return rows.map((row) => jobOf(ctx, row));
    },
    async deleteJob(name) {
      const result = await ctx.db.deleteFrom('sync_jobs').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async dueJobs(now, limit) {
      const rows = await ctx.db
        .selectFrom('sync_jobs')
        .selectAll()
        .where('enabled', '=', encodeBool(ctx.caps, true))
        .where('next_run_at', '<=', now)
        .orderBy('next_run_at')
        .limit(limit)
        .execute();
      return rows.map((row) => jobOf(ctx, row));
    },
    async setNextRun(name, at) {
      await ctx.db.updateTable('sync_jobs').set({ next_run_at: at, updated_at: ctx.now() }).where('name', '=', name).execute();
    },
    async approveDeletions(job) {
      await ctx.db
        .insertInto('sync_deletion_approvals')
        .values({ job, approved_at: ctx.now() })
        .onConflict((oc) => oc.column('job').doUpdateSet((eb) => ({ approved_at: eb.ref('excluded.approved_at') })))
        .execute();
    },
    async deletionApproval(job) {
      const row = await ctx.db.selectFrom('sync_deletion_approvals').select('approved_at').where('job', '=', job).executeTakeFirst();
      return row?.approved_at;
    },
    async clearDeletionApproval(job) {
      await ctx.db.deleteFrom('sync_deletion_approvals').where('job', '=', job).execute();
    },
    async health(job) {
      const row = await ctx.db.selectFrom('sync_job_health').selectAll().where('job', '=', job).executeTakeFirst();
      return row === undefined ? undefined : healthOf(ctx, row);
    },
    async saveHealth(h) {
      const values = {
        quarantine_reason: h.quarantineReason,
        quarantine_code: h.quarantineCode,
        quarantined_at: h.quarantinedAt,
        quarantine_step: h.quarantineStep,
        notified_code: h.notifiedCode,
        failure_mail_at: h.failureMailAt,
        failure_mail_code: h.failureMailCode ?? null,
        held_mail_at: h.heldMailAt ?? null,
        held_mail_code: h.heldMailCode ?? null,
        disabled_at: h.disabledAt,
        next_run_at: h.nextRunAt,
        updated_at: ctx.now(),
      };
      await ctx.db
        .insertInto('sync_job_health')
        .values({ job: h.job, progress: null, ...values })
        .onConflict((oc) => oc.column('job').doUpdateSet(values))
        .execute();
    },
    async setProgress(job, progress) {
      const encoded = progress === null ? null : encodeJson(progress);
      await ctx.db
        .insertInto('sync_job_health')
        .values({ job, quarantine_reason: null, quarantine_code: null, quarantined_at: null, quarantine_step: 0, notified_code: null, failure_mail_at: null, failure_mail_code: null, held_mail_at: null, held_mail_code: null, disabled_at: null, next_run_at: null, progress: encoded, updated_at: ctx.now() })
        .onConflict((oc) => oc.column('job').doUpdateSet({ progress: encoded, updated_at: ctx.now() }))
        .execute();
    },
    async setJobEnabled(name, enabled) {
      await ctx.db.updateTable('sync_jobs').set({ enabled: encodeBool(ctx.caps, enabled), updated_at: ctx.now() }).where('name', '=', name).execute();
    },
    async resetJob(job) {
      await ctx.db.deleteFrom('sync_watermarks').where('job', '=', job).execute();
      await ctx.db.deleteFrom('sync_job_health').where('job', '=', job).execute();
      await ctx.db.deleteFrom('sync_deletion_approvals').where('job', '=', job).execute();
      await ctx.db.updateTable('sync_links').set({ last_error: null, failures: 0, retry_at: null, source_hash: null, updated_at: ctx.now() }).where('job', '=', job).execute();
    },
  };
}

/** The stored steps of a log entry; none for rows written before migration 0015. */
function stepsOf(text: string | null): SyncStep[] {
  if (text === null || text === '') return [];
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? (value as SyncStep[]) : [];
}

function logOf(ctx: SqlContext, row: Selectable<SyncLogsTable>): SyncLogEntry {
  return {
    job: row.job,
    id: row.id,
    runId: row.run_id,
    at: row.at,
    objectType: row.object_type as SyncObjectType,
    sourceKey: row.source_key,
    targetId: row.target_id,
    action: row.action as SyncLogAction,
    status: row.status as SyncLogStatus,
    reason: row.reason,
    errorCode: row.error_code,
    modified: (decodeJson(ctx.caps, row.modified) ?? []) as SyncModifiedProperty[],
    steps: stepsOf(row.steps),
  };
}

/** The provisioning-log sub-store. */
export function syncLogStore(ctx: SqlContext): SyncLogStore {
  return {
    async append(entries) {
      for (const part of chunks(entries, 200)) {
        const rows = part.map((e) => ({
          job: e.job,
          id: e.id,
          run_id: e.runId,
          at: e.at,
          object_type: e.objectType,
          source_key: e.sourceKey,
          target_id: e.targetId,
          action: e.action,
          status: e.status,
          reason: e.reason,
          error_code: e.errorCode,
          modified: encodeJson(e.modified),
          steps: e.steps.length === 0 ? null : JSON.stringify(e.steps),
        }));
        await ctx.db.insertInto('sync_logs').values(rows).execute();
      }
    },
    async query(q) {
      const select = (identity?: { readonly column: 'source_key' | 'target_id'; readonly value: string }) => {
        let query = ctx.db.selectFrom('sync_logs').selectAll().where('job', '=', q.job);
        if (q.status !== undefined) query = query.where('status', '=', q.status);
        if (q.action !== undefined) query = query.where('action', '=', q.action);
        if (q.runId !== undefined) query = query.where('run_id', '=', q.runId);
        if (q.since !== undefined) query = query.where('at', '>=', q.since);
        if (q.until !== undefined) query = query.where('at', '<', q.until);
        if (identity !== undefined) query = query.where(identity.column, '=', identity.value);
        return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
      };
      if (q.identity === undefined) return (await select()).map((row) => logOf(ctx, row));
      // Source key or target id: two index lookups merged here. One query with OR made both
      // dialects walk the (job, at) index over every entry of the job instead.
      const [bySource, byTarget] = [await select({ column: 'source_key', value: q.identity }), await select({ column: 'target_id', value: q.identity })];
      const merged = new Map([...bySource, ...byTarget].map((row) => [row.id, row]));
      const rows = [...merged.values()].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).slice(0, q.limit);
      return rows.map((row) => logOf(ctx, row));
    },
    async counts(job, runId) {
      const rows = await ctx.db
        .selectFrom('sync_logs')
        .select((eb) => ['action', 'status', eb.fn.countAll<string | number>().as('n')])
        .where('job', '=', job)
        .where('run_id', '=', runId)
        .groupBy(['action', 'status'])
        .orderBy('action')
        .orderBy('status')
        .execute();
      return rows.map((r) => ({ action: r.action as SyncLogAction, status: r.status as SyncLogStatus, count: Number(r.n) }));
    },
    async prune(job, before) {
      const result = await ctx.db.deleteFrom('sync_logs').where('job', '=', job).where('at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
