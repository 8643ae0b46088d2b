/** Deletes expired operator sessions at start and then hourly. */
import type { OperatorService } from '../services/operators.ts';
import { createPeriodicTask, type PeriodicTask } from './periodic.ts';

export const SESSION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Creates the session purge worker. */
export function createSessionPurgeWorker(operators: Pick<OperatorService, 'purgeExpiredSessions'>, onError: (error: unknown) => void): PeriodicTask {
  return createPeriodicTask(async () => {
    await operators.purgeExpiredSessions();
  }, { intervalMs: SESSION_PURGE_INTERVAL_MS, onError });
}
