/**
 * A sync job made runnable: its target client and sources built from the configuration, one
 * cycle at a time or on the schedule (initial, then incremental cycles every interval until the
 * signal aborts). The CLI and the server's worker both use it, over the same state store.
 */
import { randomUUID } from 'node:crypto';
import type { SyncLogStore, SyncStateStore } from '../store/sync-state.ts';
import type { SyncJob } from './config.ts';
import { runCycle, type CycleDeps } from './engine.ts';
import { decideHealth, failureMailCode, failureMailDue, heldMailCode, heldMailDue, type HealthDecision } from './health.ts';
import { createLogWriter } from './logs.ts';
import type { CycleSummary, ObjectOutcome } from './outcome.ts';
import { createSource } from './sources/index.ts';
import { createScimTarget } from './target/scim-target.ts';

export interface RunnerDeps {
  readonly state: SyncStateStore;
  /** Where provisioning logs go (none are written without it, nor on dry runs). */
  readonly logs?: SyncLogStore;
  readonly clock?: () => Date;
  /** Told of every cycle that stopped at the deletion threshold (the CLI prints it); the mail goes through `notify.held`. */
  readonly onBlocked?: (summary: CycleSummary) => Promise<void> | void;
  /** How waits are made (Retry-After, backoff, the schedule); tests pass a fake. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The normal minutes between cycles, when not the configuration's (a stored job's own interval). */
  readonly intervalMinutes?: number;
  /** Where quarantine notices and failure mails go (the server and the CLI mail a stored job's organization). */
  readonly notify?: SyncNotify;
}

/** One failed object, as the failure mail lists it. */
export interface FailedObject {
  readonly objectType: string;
  readonly sourceKey: string;
  readonly reason: string;
}

export interface SyncNotify {
  /** The job entered quarantine, its reason changed, or four weeks of it disabled the job. */
  quarantine?(decision: HealthDecision, summary: CycleSummary): Promise<void>;
  /** A cycle had failures; resolves true when a mail went out (asked at most once an hour per reason). */
  failure?(summary: CycleSummary, failed: readonly FailedObject[]): Promise<boolean>;
  /** A cycle stopped at the deletion threshold; resolves true when a mail went out (asked at most once an hour per object type). */
  held?(summary: CycleSummary): Promise<boolean>;
}

/** How many failed objects a failure mail lists at most. */
const MAIL_FAILURES = 50;
/** Progress is stored every this many objects (and at the end of each object type). */
const PROGRESS_EVERY = 200;

export type CycleOptions = Pick<CycleDeps, 'onOutcome' | 'onProgress' | 'signal' | 'dryRun' | 'initial'>;

/** Waits `ms`, resolving early when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Builds the runner for `job`. */
export function createSyncRunner(job: SyncJob, deps: RunnerDeps) {
  const { config } = job;
  const sleep = deps.sleep ?? abortableSleep;
  const target = createScimTarget({
    url: config.target.url,
    token: config.target.token,
    profile: config.target.profile,
    concurrency: config.target.concurrency,
    timeoutMs: config.target.timeoutMs,
    retries: config.target.retries,
    sleep: (ms) => sleep(ms),
  });
  const users = createSource(config.source, 'Users');
  const groups = config.groups === undefined ? undefined : createSource(config.groups.source, 'Groups');

  const now = deps.clock ?? (() => new Date());
  let lastHealth: HealthDecision | undefined;

  /** A failed cycle without running the engine: the quarantined job's target still fails Test Connection. */
  async function refused(runId: string, detail: string, code: 'TARGET_AUTH' | 'TARGET_ENDPOINT'): Promise<CycleSummary> {
    const watermark = await deps.state.watermark(config.name, 'User');
    const kind = watermark === undefined || watermark.fingerprint !== job.fingerprint ? 'initial' : 'incremental';
    await deps.state.startRun({ job: config.name, id: runId, kind });
    const counts = { created: 0, updated: 0, disabled: 0, deleted: 0, skipped: 0, failed: 0, linked: 0, unchanged: 0, escrowed: 0 };
    const summary: CycleSummary = { job: config.name, runId, kind, status: 'failed', dryRun: false, ...counts, requests: 1, retries: 0, throttled: 0, users: 0, groups: 0, durationMs: 0, error: `Test Connection: ${detail}`, errorCode: code };
    await deps.state.finishRun(config.name, runId, { status: 'failed', summary, error: summary.error ?? null });
    return summary;
  }

  /** Stores the job's new health and sends what is due (quarantine notice, hourly failure and hold mails). */
  async function afterCycle(summary: CycleSummary, failed: readonly FailedObject[]): Promise<void> {
    const previous = await deps.state.health(config.name);
    const decision = decideHealth(previous, summary, now(), deps.intervalMinutes ?? config.schedule.intervalMinutes);
    let health = decision.health;
    if (decision.event === 'disabled' && (await deps.state.getJob(config.name)) !== undefined) await deps.state.setJobEnabled(config.name, false);
    if (decision.mail) await deps.notify?.quarantine?.(decision, summary);
    const failing = summary.failed > 0 || summary.status === 'failed';
    const failureCode = failureMailCode(summary);
    if (failing && deps.notify?.failure !== undefined && failureMailDue(previous, now(), failureCode)) {
      if (await deps.notify.failure(summary, failed.slice(0, MAIL_FAILURES))) health = { ...health, failureMailAt: now().toISOString(), failureMailCode: failureCode };
    }
    const heldCode = heldMailCode(summary);
    if (summary.heldDeletions !== undefined && deps.notify?.held !== undefined && heldMailDue(previous, now(), heldCode)) {
      if (await deps.notify.held(summary)) health = { ...health, heldMailAt: now().toISOString(), heldMailCode: heldCode };
    }
    await deps.state.saveHealth(health);
    lastHealth = { ...decision, health };
  }

  const cycle = async (options: CycleOptions = {}): Promise<CycleSummary> => {
    const runId = randomUUID();
    const clock = deps.clock === undefined ? {} : { clock: deps.clock };
    const live = options.dryRun !== true;
    if (live && (await deps.state.health(config.name))?.quarantinedAt != null) {
      // In quarantine, a cycle starts with Test Connection, so an idle cycle cannot lift it by accident.
      const test = await target.testConnection();
      if (!test.ok && test.reason !== 'unreachable') {
        const summary = await refused(runId, test.detail, test.reason === 'bad-token' ? 'TARGET_AUTH' : 'TARGET_ENDPOINT');
        await afterCycle(summary, []);
        return summary;
      }
    }
    const failed: FailedObject[] = [];
    let progressWrite: Promise<void> = Promise.resolve();
    const onProgress = (p: Parameters<NonNullable<CycleOptions['onProgress']>>[0]) => {
      options.onProgress?.(p);
      if (live && (p.done % PROGRESS_EVERY === 0 || p.done === p.total)) {
        const progress = { runId: p.runId, kind: p.kind, objectType: p.objectType, done: p.done, total: p.total, at: now().toISOString() };
        progressWrite = progressWrite.then(() => deps.state.setProgress(config.name, progress)).catch(() => undefined);
      }
    };
    const writer =
      deps.logs === undefined || options.dryRun === true ? undefined : createLogWriter({ store: deps.logs, job: config.name, runId, retentionDays: config.logs.retentionDays, ...clock });
    const onOutcome = (outcome: ObjectOutcome) => {
      writer?.record(outcome);
      if (outcome.status === 'failure' && failed.length < MAIL_FAILURES) failed.push({ objectType: outcome.objectType, sourceKey: outcome.sourceKey, reason: outcome.reason ?? 'failed' });
      options.onOutcome?.(outcome);
    };
    const approved = options.dryRun !== true && (await deps.state.deletionApproval(config.name)) !== undefined;
    const summary = await runCycle(job, { state: deps.state, target, users, ...(groups === undefined ? {} : { groups }), ...clock, ...options, runId, onOutcome, onProgress, deletionsApproved: approved });
    await progressWrite;
    if (live) await deps.state.setProgress(config.name, null);
    const held = summary.heldDeletions;
    if (held !== undefined) {
      const reason = summary.error ?? 'deletion threshold exceeded';
      const step = { name: 'Check the deletion threshold', status: 'failure' as const, description: `${held.count} disables or deletes planned, more than the threshold of ${held.threshold}: the cycle stopped before changing anything`, details: { ...held } };
      writer?.add({ objectType: held.objectType, sourceKey: '*', targetId: null, action: 'Other', status: 'Warning', reason, errorCode: 'DELETION_THRESHOLD', modified: [], steps: [step] });
    }
    // An approval is spent by the first cycle that completes after it.
    if (approved && summary.status === 'succeeded') await deps.state.clearDeletionApproval(config.name);
    await writer?.finish();
    if (held !== undefined) await deps.onBlocked?.(summary);
    if (live) await afterCycle(summary, failed);
    return summary;
  };

  return {
    job,
    target,
    cycle,
    testConnection: () => target.testConnection(),
    /** The health decided after the last cycle (quarantine, next run), if a cycle ran. */
    health: () => lastHealth,
    /**
     * Runs cycles until `signal` aborts: every `schedule.intervalMinutes`, slower in quarantine
     * (see health.ts); stops when four weeks of quarantine disabled the job.
     */
    async schedule(options: CycleOptions & { readonly onCycle: (summary: CycleSummary) => void }): Promise<void> {
      while (!options.signal?.aborted) {
        options.onCycle(await cycle(options));
        const health = lastHealth?.health;
        if (health?.disabledAt != null) return;
        const next = health?.nextRunAt == null ? config.schedule.intervalMinutes * 60_000 : Date.parse(health.nextRunAt) - now().getTime();
        await sleep(Math.max(0, next), options.signal);
      }
    },
    async close(): Promise<void> {
      target.http.close();
      await users.close();
      await groups?.close();
    },
  };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
