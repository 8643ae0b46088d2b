/**
 * Provisioning jobs of an organization as the admin API and the console see them: the jobs stored
 * with `scimd sync job put`, their status (running cycle with progress, last cycle, next run,
 * hold, quarantine), provisioning logs with filters and export, provision on demand, approving
 * held deletions, and start / stop / restart. A job of another organization is a 404, as if it
 * did not exist.
 */
import { ScimError } from '../core/scim-error.ts';
import type { Store } from '../store/store.ts';
import type { SyncJobRecord, SyncLogEntry, SyncLogQuery } from '../store/sync-state.ts';
import { parseSyncConfig } from './config.ts';
import { logsToCsv } from './logs.ts';
import { provisionOnDemand, type ProvisionReport } from './provision.ts';
import { syncStatus, type SyncStatusReport } from './status.ts';

/** What a stored job's `config` column holds (see the sync worker). */
interface StoredConfig {
  readonly text: string;
  readonly path: string;
}

export interface ProvisioningJob {
  readonly name: string;
  readonly enabled: boolean;
  readonly intervalMinutes: number;
  readonly nextRunAt: string | null;
  readonly targetUrl: string | null;
  readonly lastStatus: string | null;
  readonly quarantined: boolean;
}

export interface ProvisioningDeps {
  readonly store: Store;
  /** Resolves `env:` secrets of stored configurations. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock?: () => Date;
  /** Told when start or restart made a job due now (the server wakes its sync worker). */
  readonly onScheduled?: (name: string) => void;
  /** Told before a restart clears the job's state: the server stops the job's cycle in progress and waits for its end. */
  readonly beforeRestart?: (name: string) => Promise<void>;
}

export type LogFilters = Omit<SyncLogQuery, 'job' | 'limit'>;

/** Creates the service. */
export function createProvisioningService(deps: ProvisioningDeps) {
  const { store } = deps;
  const state = store.syncState;
  const clock = deps.clock ?? (() => new Date());

  async function jobOf(orgId: string, name: string): Promise<SyncJobRecord> {
    const job = await state.getJob(name);
    if (job === undefined || job.orgId !== orgId) throw new ScimError(404, undefined, `No provisioning job "${name}" in this organization`);
    return job;
  }

  function parsed(job: SyncJobRecord) {
    const { text, path } = job.config as StoredConfig;
    try {
      return parseSyncConfig(text, path, deps.env);
    } catch (error) {
      throw new ScimError(400, 'invalidValue', `The stored configuration of "${job.name}" is not valid here: ${(error as Error).message}`);
    }
  }

  const targetUrlOf = (job: SyncJobRecord): string | null => {
    try {
      const value = JSON.parse((job.config as StoredConfig).text.replace(/^\s*\/\/.*$/gm, '')) as { target?: { url?: unknown } };
      return typeof value.target?.url === 'string' ? value.target.url : null;
    } catch {
      return null;
    }
  };

  return {
    /** The organization's jobs, by name. */
    async list(orgId: string): Promise<ProvisioningJob[]> {
      const jobs = (await state.listJobs()).filter((j) => j.orgId === orgId);
      return Promise.all(
        jobs.map(async (j) => {
          const last = (await state.runs(j.name, 1))[0];
          const health = await state.health(j.name);
          return { name: j.name, enabled: j.enabled, intervalMinutes: j.intervalMinutes, nextRunAt: j.enabled ? j.nextRunAt : null, targetUrl: targetUrlOf(j), lastStatus: last?.status ?? null, quarantined: health?.quarantinedAt != null };
        }),
      );
    },
    async status(orgId: string, name: string): Promise<SyncStatusReport> {
      const job = await jobOf(orgId, name);
      return syncStatus({ state, logs: store.syncLogs }, job.name, job.intervalMinutes);
    },
    async logs(orgId: string, name: string, filters: LogFilters, limit: number): Promise<readonly SyncLogEntry[]> {
      await jobOf(orgId, name);
      return store.syncLogs.query({ ...filters, job: name, limit });
    },
    /** The matching entries as CSV or a JSON array (newest first, at most `limit`). */
    async exportLogs(orgId: string, name: string, filters: LogFilters, format: 'csv' | 'json', limit: number): Promise<string> {
      const entries = await this.logs(orgId, name, filters, limit);
      return format === 'csv' ? logsToCsv(entries) : JSON.stringify(entries);
    },
    async provision(orgId: string, name: string, request: { readonly user: string } | { readonly group: string }): Promise<ProvisionReport> {
      const job = await jobOf(orgId, name);
      return provisionOnDemand(parsed(job), { state, logs: store.syncLogs, clock }, request);
    },
    async approveDeletions(orgId: string, name: string): Promise<{ approvedAt: string }> {
      await jobOf(orgId, name);
      await state.approveDeletions(name);
      return { approvedAt: (await state.deletionApproval(name)) ?? clock().toISOString() };
    },
    /** Enables the job and makes it due now (waking the sync worker). */
    async start(orgId: string, name: string): Promise<void> {
      const job = await jobOf(orgId, name);
      parsed(job);
      await state.setJobEnabled(name, true);
      await state.setNextRun(name, clock().toISOString());
      deps.onScheduled?.(name);
    },
    /** Disables the job: no new cycles (one in progress finishes). */
    async stop(orgId: string, name: string): Promise<void> {
      await jobOf(orgId, name);
      await state.setJobEnabled(name, false);
    },
    /**
     * Restart: clears watermarks, escrow, quarantine, the mail limits and pending approvals, and
     * marks every link for re-evaluation (links are kept, so nothing is created twice); enables
     * the job and makes it due now, waking the sync worker: its next cycle is initial. A cycle of
     * the job in progress in this instance is stopped first (`beforeRestart`).
     */
    async restart(orgId: string, name: string): Promise<void> {
      const job = await jobOf(orgId, name);
      parsed(job);
      await deps.beforeRestart?.(name);
      await state.resetJob(name);
      await state.setJobEnabled(name, true);
      await state.setNextRun(name, clock().toISOString());
      deps.onScheduled?.(name);
    },
  };
}

export type ProvisioningService = ReturnType<typeof createProvisioningService>;
