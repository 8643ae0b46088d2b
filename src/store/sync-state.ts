/**
 * The provisioning engine's part of the storage port: links between source and target objects,
 * watermarks, the run history, and the jobs `scimd serve` runs on a schedule.
 */

export type SyncObjectType = 'User' | 'Group';

/**
 * A link's state: `pending` (a create was sent, the target id is not known yet), `active`,
 * `disabled` (deactivated in the target), `deleted` (deleted in the target; kept as a tombstone).
 */
export type SyncLinkState = 'pending' | 'active' | 'disabled' | 'deleted';

/** One source object and the target object it is linked to. */
export interface SyncLinkRecord {
  readonly job: string;
  readonly objectType: SyncObjectType;
  readonly sourceKey: string;
  readonly targetId: string | null;
  readonly state: SyncLinkState;
  /** Hash of the source attributes last processed (an unchanged object is skipped). */
  readonly sourceHash: string | null;
  /** Target path → value as last written to the target. */
  readonly exported: Readonly<Record<string, unknown>>;
  /** For groups: the target ids of the members last written. */
  readonly members: readonly string[] | null;
  readonly lastError: string | null;
  /** Failures in a row (escrow); 0 once the object succeeds. */
  readonly failures?: number;
  /** A failed object is not tried again before this time (escrow back-off). */
  readonly retryAt?: string | null;
  readonly updatedAt: string;
}

export type NewSyncLink = Omit<SyncLinkRecord, 'updatedAt'>;

export interface SyncWatermarkRecord {
  readonly value: string | null;
  readonly fingerprint: string;
}

/** `blocked`: stopped before exceeding the accidental-deletion threshold, waiting for approval. */
export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'blocked';

export interface SyncRunRecord {
  readonly job: string;
  readonly id: string;
  readonly kind: 'initial' | 'incremental';
  readonly status: SyncRunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly summary: unknown;
  readonly error: string | null;
}

/** A job stored for `scimd serve`. */
export interface SyncJobRecord {
  readonly orgId: string;
  readonly name: string;
  readonly config: unknown;
  readonly enabled: boolean;
  readonly intervalMinutes: number;
  readonly nextRunAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SyncStateStore {
  /** Every link of a job and object type. */
  links(job: string, objectType: SyncObjectType): Promise<readonly SyncLinkRecord[]>;
  /** Inserts or replaces links (one statement per few hundred). */
  saveLinks(links: readonly NewSyncLink[]): Promise<void>;
  deleteLinks(job: string, objectType: SyncObjectType, sourceKeys: readonly string[]): Promise<void>;
  watermark(job: string, objectType: SyncObjectType): Promise<SyncWatermarkRecord | undefined>;
  setWatermark(job: string, objectType: SyncObjectType, watermark: SyncWatermarkRecord): Promise<void>;
  startRun(run: Pick<SyncRunRecord, 'job' | 'id' | 'kind'>): Promise<SyncRunRecord>;
  finishRun(job: string, id: string, outcome: { readonly status: SyncRunStatus; readonly summary: unknown; readonly error?: string | null }): Promise<void>;
  /** The newest runs first. */
  runs(job: string, limit: number): Promise<readonly SyncRunRecord[]>;
  /** Creates or replaces a stored job (names are unique across organizations). */
  putJob(job: Omit<SyncJobRecord, 'createdAt' | 'updatedAt'>): Promise<SyncJobRecord>;
  getJob(name: string): Promise<SyncJobRecord | undefined>;
  listJobs(): Promise<readonly SyncJobRecord[]>;
  deleteJob(name: string): Promise<boolean>;
  /** Enabled jobs whose next run is due at `now`. */
  dueJobs(now: string, limit: number): Promise<readonly SyncJobRecord[]>;
  setNextRun(name: string, at: string): Promise<void>;
  /** Records an approval to exceed the job's deletion threshold once (kept until cleared). */
  approveDeletions(job: string): Promise<void>;
  /** When the pending approval was given, if there is one. */
  deletionApproval(job: string): Promise<string | undefined>;
  clearDeletionApproval(job: string): Promise<void>;
  /** The job's health row, if it has one. */
  health(job: string): Promise<SyncJobHealth | undefined>;
  /** Creates or replaces the health row (its progress is left as it is). */
  saveHealth(health: Omit<SyncJobHealth, 'progress'>): Promise<void>;
  /** Records the running cycle's progress (null: none running). */
  setProgress(job: string, progress: SyncProgress | null): Promise<void>;
  /** Enables or disables a stored job. */
  setJobEnabled(name: string, enabled: boolean): Promise<void>;
  /**
   * Restart: forgets watermarks, escrow (errors, back-off), health and pending approvals, and
   * marks every link for re-evaluation; links themselves are kept, so nothing is created twice.
   */
  resetJob(job: string): Promise<void>;
}

/** How far a running cycle has got (written every few hundred objects). */
export interface SyncProgress {
  readonly runId: string;
  readonly kind: 'initial' | 'incremental';
  readonly objectType: SyncObjectType;
  readonly done: number;
  readonly total: number;
  readonly at: string;
}

/** A job's health: quarantine, the failure-mail limit, disabling, progress and next run. */
export interface SyncJobHealth {
  readonly job: string;
  readonly quarantineReason: string | null;
  /** `TARGET_AUTH`, `TARGET_ENDPOINT`, `ESCROW_PROPORTION`. */
  readonly quarantineCode: string | null;
  readonly quarantinedAt: string | null;
  /** Quarantined cycles so far: the position on the slow-down schedule. */
  readonly quarantineStep: number;
  /** The quarantine code the last quarantine mail was about. */
  readonly notifiedCode: string | null;
  readonly failureMailAt: string | null;
  /** What the last failure mail was about (`OBJECTS`, or the cycle's `TARGET_AUTH`, `TARGET_ENDPOINT`, `SOURCE`). */
  readonly failureMailCode?: string | null;
  /** When the last deletion-threshold hold mail went out, and about which object type. */
  readonly heldMailAt?: string | null;
  readonly heldMailCode?: string | null;
  /** Set when four weeks in quarantine disabled the job. */
  readonly disabledAt: string | null;
  readonly nextRunAt: string | null;
  readonly progress: SyncProgress | null;
}

/** A provisioning-log entry's action and status (Entra's vocabulary). */
export type SyncLogAction = 'Create' | 'Update' | 'Disable' | 'Delete' | 'Other';
export type SyncLogStatus = 'Success' | 'Failure' | 'Skipped' | 'Warning';

/** One attribute a provisioning action changed: its value before and after (undefined: absent). */
export interface SyncModifiedProperty {
  readonly name: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * One step of what happened to an object (Entra's Import → Scope → Match → Action): provision on
 * demand reports them in full, a cycle stores a compact form with each provisioning-log entry.
 */
export interface SyncStep {
  readonly name: string;
  readonly status: 'success' | 'failure' | 'skipped';
  /** One sentence on what happened. */
  readonly description: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** One provisioning-log entry: what a cycle did (or failed to do) to one object. */
export interface SyncLogEntry {
  readonly job: string;
  readonly id: string;
  readonly runId: string;
  readonly at: string;
  readonly objectType: SyncObjectType;
  /** The source key (the object's identity in the source). */
  readonly sourceKey: string;
  readonly targetId: string | null;
  readonly action: SyncLogAction;
  readonly status: SyncLogStatus;
  readonly reason: string | null;
  /** A stable code for the status reason (e.g. SCIM_409, TARGET_AUTH, OUT_OF_SCOPE). */
  readonly errorCode: string | null;
  readonly modified: readonly SyncModifiedProperty[];
  /** The steps the object went through in the cycle (empty for entries about no single object's path). */
  readonly steps: readonly SyncStep[];
}

export interface SyncLogQuery {
  readonly job: string;
  readonly status?: SyncLogStatus;
  readonly action?: SyncLogAction;
  readonly runId?: string;
  /** Source key or target id. */
  readonly identity?: string;
  /** ISO timestamps, inclusive lower and exclusive upper bound. */
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
}

/** The provisioning logs: appended by cycles, queried newest first, pruned by age. */
export interface SyncLogStore {
  append(entries: readonly SyncLogEntry[]): Promise<void>;
  query(query: SyncLogQuery): Promise<readonly SyncLogEntry[]>;
  /** How many entries a run has per action and status (e.g. the counts so far of a running cycle). */
  counts(job: string, runId: string): Promise<readonly { readonly action: SyncLogAction; readonly status: SyncLogStatus; readonly count: number }[]>;
  /** Deletes the job's entries older than `before`; returns how many. */
  prune(job: string, before: string): Promise<number>;
}
