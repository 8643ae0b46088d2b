/**
 * Quarantine and the mail limits, decided from one cycle's summary (pure: the caller
 * stores the result and sends the mails). A job goes into quarantine when the target refuses the
 * token or is not a SCIM endpoint, or when most objects a cycle acted on failed. In quarantine
 * the cycles slow down step by step to once a day; the first clean cycle lifts it; four weeks in
 * quarantine disable the job. docs/sync.md (Escrow and quarantine) states the same numbers.
 */
import type { SyncJobHealth } from '../store/sync-state.ts';
import type { CycleSummary } from './outcome.ts';

const MINUTE_MS = 60_000;

/** Minutes between cycles on the 1st, 2nd, 3rd, 4th and later quarantined cycles. */
export const QUARANTINE_INTERVALS_MINUTES = [120, 360, 720, 1440] as const;
/** A cycle counts as mostly failing when at least this many objects failed … */
export const QUARANTINE_MIN_FAILURES = 10;
/** … and they are at least this share of the objects it acted on. */
export const QUARANTINE_FAILURE_SHARE = 0.5;
/** Quarantine this long disables the job. */
export const QUARANTINE_DISABLE_AFTER_MS = 28 * 24 * 60 * MINUTE_MS;
/** At most one failure mail, and one deletion-threshold hold mail, per job in this time (unless the reason changes). */
export const FAILURE_MAIL_INTERVAL_MS = 60 * MINUTE_MS;
export const HELD_MAIL_INTERVAL_MS = 60 * MINUTE_MS;

export interface QuarantineCause {
  readonly code: 'TARGET_AUTH' | 'TARGET_ENDPOINT' | 'ESCROW_PROPORTION';
  readonly reason: string;
}

/** Why this cycle puts (or keeps) the job in quarantine, or undefined when it does not. */
export function quarantineCause(summary: CycleSummary): QuarantineCause | undefined {
  if (summary.errorCode === 'TARGET_AUTH') return { code: 'TARGET_AUTH', reason: `the target refused the credentials: ${summary.error ?? ''}`.trim() };
  if (summary.errorCode === 'TARGET_ENDPOINT') return { code: 'TARGET_ENDPOINT', reason: `the Tenant URL is not a SCIM endpoint: ${summary.error ?? ''}`.trim() };
  const acted = summary.created + summary.updated + summary.disabled + summary.deleted + summary.linked + summary.failed;
  if (summary.failed >= QUARANTINE_MIN_FAILURES && summary.failed >= acted * QUARANTINE_FAILURE_SHARE) {
    return { code: 'ESCROW_PROPORTION', reason: `${summary.failed} of the ${acted} objects the cycle acted on failed (quarantine at ${QUARANTINE_FAILURE_SHARE * 100} % of at least ${QUARANTINE_MIN_FAILURES})` };
  }
  return undefined;
}

/** What changed about the quarantine in this cycle, for the notices. */
export type QuarantineEvent = 'entered' | 'reason-changed' | 'continued' | 'lifted' | 'disabled';

export interface HealthDecision {
  readonly health: Omit<SyncJobHealth, 'progress'>;
  readonly event?: QuarantineEvent;
  /** True when a quarantine mail is due (entering, or a new reason). */
  readonly mail: boolean;
}

export const emptyHealth = (job: string): Omit<SyncJobHealth, 'progress'> => ({
  job,
  quarantineReason: null,
  quarantineCode: null,
  quarantinedAt: null,
  quarantineStep: 0,
  notifiedCode: null,
  failureMailAt: null,
  failureMailCode: null,
  heldMailAt: null,
  heldMailCode: null,
  disabledAt: null,
  nextRunAt: null,
});

/** Minutes to the next cycle at quarantine step `step` (0: not quarantined). */
export function intervalMinutes(step: number, normal: number): number {
  if (step <= 0) return normal;
  return QUARANTINE_INTERVALS_MINUTES[Math.min(step, QUARANTINE_INTERVALS_MINUTES.length) - 1]!;
}

/** The job's health after `summary`, at `now`, for a job whose normal interval is `normalMinutes`. */
export function decideHealth(previous: Omit<SyncJobHealth, 'progress'> | undefined, summary: CycleSummary, now: Date, normalMinutes: number): HealthDecision {
  const base = previous ?? emptyHealth(summary.job);
  const at = (minutes: number) => new Date(now.getTime() + minutes * MINUTE_MS).toISOString();
  if (summary.status === 'interrupted' || summary.status === 'blocked' || (summary.status === 'failed' && summary.errorCode === 'SOURCE')) {
    // Says nothing about the target: the quarantine stays as it is.
    return { health: { ...base, nextRunAt: at(summary.status === 'interrupted' ? 0 : intervalMinutes(base.quarantineStep, normalMinutes)) }, mail: false };
  }
  const cause = quarantineCause(summary);
  if (cause === undefined) {
    const lifted = base.quarantinedAt !== null;
    const health = { ...base, quarantineReason: null, quarantineCode: null, quarantinedAt: null, quarantineStep: 0, notifiedCode: null, nextRunAt: at(normalMinutes) };
    return lifted ? { health, event: 'lifted', mail: false } : { health, mail: false };
  }
  const since = base.quarantinedAt ?? now.toISOString();
  const step = base.quarantineStep + 1;
  const health = { ...base, quarantineReason: cause.reason, quarantineCode: cause.code, quarantinedAt: since, quarantineStep: step, notifiedCode: cause.code, nextRunAt: at(intervalMinutes(step, normalMinutes)) };
  if (now.getTime() - Date.parse(since) >= QUARANTINE_DISABLE_AFTER_MS) {
    return { health: { ...health, disabledAt: now.toISOString(), nextRunAt: null }, event: 'disabled', mail: true };
  }
  const event: QuarantineEvent = base.quarantinedAt === null ? 'entered' : base.quarantineCode !== cause.code ? 'reason-changed' : 'continued';
  return { health, event, mail: base.notifiedCode !== cause.code };
}

/**
 * What a failure mail is about: the cycle's job-level failure (`TARGET_AUTH`, `TARGET_ENDPOINT`,
 * `SOURCE`), or `OBJECTS` when objects failed in a cycle that otherwise ran.
 */
export const failureMailCode = (summary: CycleSummary): string => summary.errorCode ?? 'OBJECTS';

/** What a hold mail is about: the object type whose disables and deletes were held. */
export const heldMailCode = (summary: CycleSummary): string => `DELETION_THRESHOLD_${(summary.heldDeletions?.objectType ?? 'User').toUpperCase()}`;

const due = (last: string | null | undefined, lastCode: string | null | undefined, code: string, now: Date, intervalMs: number) =>
  last == null || lastCode !== code || now.getTime() - Date.parse(last) >= intervalMs;

/**
 * True when a failure mail about `code` may go out now: none went out in the last hour, or the
 * last one was about another reason (a job whose objects failed and whose token is now refused
 * mails again at once, as the quarantine notice does on a new reason).
 */
export function failureMailDue(health: Omit<SyncJobHealth, 'progress'> | undefined, now: Date, code = 'OBJECTS'): boolean {
  // A row written before the code was stored (migration 0015) counts as about the same reason.
  return due(health?.failureMailAt, health?.failureMailCode ?? (health?.failureMailAt == null ? null : code), code, now, FAILURE_MAIL_INTERVAL_MS);
}

/** True when a hold mail about `code` may go out now: none in the last hour, or the last was about another object type. */
export function heldMailDue(health: Omit<SyncJobHealth, 'progress'> | undefined, now: Date, code: string): boolean {
  return due(health?.heldMailAt, health?.heldMailCode, code, now, HELD_MAIL_INTERVAL_MS);
}
