/**
 * Provisioning logs: every outcome of a cycle except "unchanged" becomes one log entry (Entra's
 * action and status vocabulary, a reason with a code, the attributes modified before → after,
 * and the steps the object went through: Import → Scope → Match → Action).
 * The writer buffers entries and appends them in batches; `finish` writes the rest and applies
 * the retention. Dry runs write no logs.
 */
import { randomUUID } from 'node:crypto';
import type { SyncLogAction, SyncLogEntry, SyncLogStatus, SyncLogStore } from '../store/sync-state.ts';
import type { ObjectOutcome } from './outcome.ts';
import { describeSteps } from './steps.ts';

const DAY_MS = 86_400_000;

/** The log action of an outcome. */
function actionOf(outcome: ObjectOutcome): SyncLogAction {
  switch (outcome.action) {
    case 'create':
      return 'Create';
    case 'update':
      return 'Update';
    case 'link':
      return (outcome.modified?.length ?? 0) > 0 ? 'Update' : 'Other';
    case 'disable':
      return 'Disable';
    case 'delete':
      return 'Delete';
    default:
      return 'Other';
  }
}

function statusOf(outcome: ObjectOutcome): SyncLogStatus {
  return outcome.status === 'failure' ? 'Failure' : outcome.status === 'skipped' ? 'Skipped' : 'Success';
}

function reasonOf(outcome: ObjectOutcome): { reason: string | null; errorCode: string | null } {
  if (outcome.status === 'failure') return { reason: outcome.reason ?? 'failed', errorCode: outcome.errorCode ?? 'SYNC_ERROR' };
  if (outcome.status === 'skipped') {
    const reason = outcome.reason ?? 'skipped';
    const code = /out of scope/.test(reason) ? 'OUT_OF_SCOPE' : /soft-deleted/.test(reason) ? 'SOFT_DELETED' : /switched off/.test(reason) ? 'ACTION_DISABLED' : 'SKIPPED';
    return { reason, errorCode: code };
  }
  if (outcome.action === 'link') return { reason: `matched an existing target object by ${outcome.matchedBy ?? 'its matching attribute'} and linked it`, errorCode: null };
  return { reason: outcome.reason ?? null, errorCode: null };
}

/** The log entry for one outcome, or undefined when there is nothing to log (unchanged, dry run). */
export function logEntryOf(job: string, runId: string, at: string, outcome: ObjectOutcome): SyncLogEntry | undefined {
  if (outcome.action === 'unchanged' || outcome.dryRun === true || outcome.escrowed === true) return undefined;
  return {
    job,
    id: randomUUID(),
    runId,
    at,
    objectType: outcome.objectType,
    sourceKey: outcome.sourceKey,
    targetId: outcome.targetId ?? null,
    action: actionOf(outcome),
    status: statusOf(outcome),
    ...reasonOf(outcome),
    modified: outcome.modified ?? [],
    steps: outcome.steps ?? [],
  };
}

export interface LogWriterOptions {
  readonly store: SyncLogStore;
  readonly job: string;
  readonly runId: string;
  readonly retentionDays: number;
  readonly clock?: () => Date;
  /** Entries buffered before an append (default 500). */
  readonly batch?: number;
}

/** Buffers one cycle's log entries; `record` is a cycle recorder, `finish` flushes and prunes. */
export function createLogWriter(options: LogWriterOptions) {
  const clock = options.clock ?? (() => new Date());
  const batch = options.batch ?? 500;
  let buffer: SyncLogEntry[] = [];
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;

  const flush = () => {
    if (buffer.length === 0) return;
    const entries = buffer;
    buffer = [];
    writing = writing.then(() => options.store.append(entries)).catch((error: unknown) => {
      failure ??= error;
    });
  };

  return {
    record(outcome: ObjectOutcome): void {
      const entry = logEntryOf(options.job, options.runId, clock().toISOString(), outcome);
      if (entry === undefined) return;
      buffer.push(entry);
      if (buffer.length >= batch) flush();
    },
    /** Adds an entry that is not about one object's outcome (e.g. the deletion threshold). */
    add(entry: Omit<SyncLogEntry, 'job' | 'id' | 'runId' | 'at'>): void {
      buffer.push({ job: options.job, id: randomUUID(), runId: options.runId, at: clock().toISOString(), ...entry });
    },
    /** Writes what is buffered and deletes entries older than the retention; rethrows a write failure. */
    async finish(): Promise<void> {
      flush();
      await writing;
      if (failure !== undefined) throw failure;
      await options.store.prune(options.job, new Date(clock().getTime() - options.retentionDays * DAY_MS).toISOString());
    },
  };
}

/** The columns of the CSV export, in order. */
const CSV_COLUMNS = ['at', 'runId', 'objectType', 'sourceKey', 'targetId', 'action', 'status', 'errorCode', 'reason', 'modified', 'steps'] as const;

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const show = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** Modified properties as one readable string: `name: before → after; …`. */
export function describeModified(modified: SyncLogEntry['modified']): string {
  return modified.map((m) => `${m.name}: ${m.before === undefined ? '(none)' : show(m.before)} → ${m.after === undefined ? '(none)' : show(m.after)}`).join('; ');
}

/** Log entries as CSV (RFC 4180, header row first). */
export function logsToCsv(entries: readonly SyncLogEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const cells = { ...e, modified: describeModified(e.modified), steps: describeSteps(e.steps) } as unknown as Record<string, unknown>;
    lines.push(CSV_COLUMNS.map((c) => csvCell(cells[c] === null || cells[c] === undefined ? '' : String(cells[c]))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
