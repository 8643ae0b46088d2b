/**
 * Applies the retention settings at start and every six hours: the revision history when
 * SCIMD_AUDIT_RETENTION_DAYS is set, activity counters and error samples always. Several instances
 * may prune at once; deleting old rows twice is harmless.
 */
import type { ActivityService } from '../services/activity.ts';
import type { AuditService } from '../services/audit.ts';
import { createPeriodicTask, type PeriodicTask } from './periodic.ts';

export const RETENTION_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface RetentionWorkerOptions {
  readonly audit: Pick<AuditService, 'applyRetention'>;
  readonly activity: Pick<ActivityService, 'applyRetention'>;
  /** Days the revision history is kept (undefined: forever) and days activity is kept. */
  readonly retention: { readonly auditDays: number | undefined; readonly activityDays: number };
  readonly onApplied: (deleted: { readonly audit: number; readonly activity: number }) => void;
  readonly onError: (error: unknown) => void;
}

/** Creates the retention worker (start it once the server listens). */
export function createRetentionWorker(options: RetentionWorkerOptions): PeriodicTask {
  const { auditDays, activityDays } = options.retention;
  return createPeriodicTask(
    async () => {
      const history = auditDays === undefined ? undefined : await options.audit.applyRetention(auditDays);
      const samples = await options.activity.applyRetention(activityDays);
      if ((history?.deleted ?? 0) + samples > 0) options.onApplied({ audit: history?.deleted ?? 0, activity: samples });
    },
    { intervalMs: RETENTION_INTERVAL_MS, onError: options.onError },
  );
}
