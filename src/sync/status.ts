/**
 * A job's status as `scimd sync status`, the admin API and the console show it: the running cycle
 * (kind, progress, counts so far from its logs), the last completed cycle with its totals, the next
 * run, a hold at the deletion threshold, a pending approval, and the quarantine.
 */
import type { SyncLogStore, SyncProgress, SyncStateStore } from '../store/sync-state.ts';

export interface SyncStatusReport {
  readonly job: string;
  readonly current: { readonly runId: string; readonly kind: string; readonly startedAt: string; readonly countsSoFar: Record<string, number>; readonly progress: SyncProgress | null } | null;
  readonly lastCompleted: { readonly runId: string; readonly kind: string; readonly status: string; readonly startedAt: string; readonly endedAt: string | null; readonly totals: unknown; readonly error: string | null } | null;
  readonly nextRun: { readonly at: string | null; readonly by: 'server' | 'cli'; readonly enabled: boolean; readonly intervalMinutes: number };
  readonly held: { readonly since: string; readonly reason: string | null } | null;
  readonly deletionApprovalPending: string | null;
  readonly quarantine: { readonly active: boolean; readonly reason: string | null; readonly code: string | null; readonly since: string | null; readonly step: number };
  /** When four weeks of quarantine disabled the job. */
  readonly disabledAt: string | null;
}

/** Builds the report of job `name` (normal interval `intervalMinutes`). */
export async function syncStatus(stores: { readonly state: SyncStateStore; readonly logs: SyncLogStore }, name: string, intervalMinutes: number): Promise<SyncStatusReport> {
  const { state } = stores;
  const recent = await state.runs(name, 20);
  const running = recent.find((r) => r.status === 'running');
  const completed = recent.find((r) => r.status !== 'running');
  const stored = await state.getJob(name);
  const health = await state.health(name);
  const countsSoFar: Record<string, number> = {};
  if (running !== undefined) {
    for (const c of await stores.logs.counts(name, running.id)) {
      const key = c.status === 'Success' ? c.action.toLowerCase() : c.status.toLowerCase();
      countsSoFar[key] = (countsSoFar[key] ?? 0) + c.count;
    }
  }
  const lastEnd = completed?.endedAt ?? null;
  const progress = running !== undefined && health?.progress?.runId === running.id ? health.progress : null;
  const cliNext = health?.nextRunAt ?? (lastEnd === null ? null : new Date(Date.parse(lastEnd) + intervalMinutes * 60_000).toISOString());
  return {
    job: name,
    current: running === undefined ? null : { runId: running.id, kind: running.kind, startedAt: running.startedAt, countsSoFar, progress },
    lastCompleted:
      completed === undefined
        ? null
        : { runId: completed.id, kind: completed.kind, status: completed.status, startedAt: completed.startedAt, endedAt: completed.endedAt, totals: completed.summary, error: completed.error },
    nextRun:
      stored !== undefined
        ? { at: stored.enabled ? stored.nextRunAt : null, by: 'server', enabled: stored.enabled, intervalMinutes: stored.intervalMinutes }
        : { at: health?.disabledAt != null ? null : cliNext, by: 'cli', enabled: health?.disabledAt == null, intervalMinutes },
    held: completed?.status === 'blocked' ? { since: completed.startedAt, reason: completed.error } : null,
    deletionApprovalPending: (await state.deletionApproval(name)) ?? null,
    quarantine: { active: health?.quarantinedAt != null, reason: health?.quarantineReason ?? null, code: health?.quarantineCode ?? null, since: health?.quarantinedAt ?? null, step: health?.quarantineStep ?? 0 },
    disabledAt: health?.disabledAt ?? null,
  };
}
