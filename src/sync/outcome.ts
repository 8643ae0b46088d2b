/**
 * What a cycle reports: one outcome per source object it acted on (or deliberately did not), and
 * the summary of the whole cycle. Every outcome goes through one recorder callback, which is where
 * provisioning logs, provision-on-demand traces and deletion thresholds can attach.
 */
import type { SyncObjectType, SyncStep } from '../store/sync-state.ts';

export type OutcomeAction = 'create' | 'update' | 'link' | 'disable' | 'delete' | 'skip' | 'unchanged';

export interface ObjectOutcome {
  readonly objectType: SyncObjectType;
  readonly sourceKey: string;
  readonly action: OutcomeAction;
  readonly status: 'success' | 'failure' | 'skipped';
  readonly targetId?: string;
  /** The target paths written (attribute names, `members` for membership changes). */
  readonly changed?: readonly string[];
  /** The matching attribute that linked an existing target object. */
  readonly matchedBy?: string;
  readonly reason?: string;
  /** A stable code for a failure's reason (SCIM_<status>, TARGET_<kind>). */
  readonly errorCode?: string;
  /** The attributes written, with their values before and after (before absent on create). */
  readonly modified?: readonly { readonly name: string; readonly before?: unknown; readonly after?: unknown }[];
  /** True when the action was planned but not sent (`--dry-run`). */
  readonly dryRun?: boolean;
  /** True for a failed object still waiting out its escrow back-off (not tried this cycle, not logged). */
  readonly escrowed?: boolean;
  /** The steps the object went through (Import → Scope → Match → Action); absent on unchanged and escrowed objects. */
  readonly steps?: readonly SyncStep[];
}

export interface CycleSummary {
  readonly job: string;
  readonly runId: string;
  readonly kind: 'initial' | 'incremental';
  /** `blocked`: stopped before more disables/deletes than the deletion threshold allows. */
  readonly status: 'succeeded' | 'failed' | 'interrupted' | 'blocked';
  readonly dryRun: boolean;
  readonly created: number;
  readonly updated: number;
  readonly disabled: number;
  readonly deleted: number;
  readonly skipped: number;
  readonly failed: number;
  /** Objects matched to existing target objects and linked. */
  readonly linked: number;
  readonly unchanged: number;
  /** Failed objects not tried this cycle: their escrow back-off has not run out. */
  readonly escrowed: number;
  /** HTTP requests sent to the target (retries included). */
  readonly requests: number;
  readonly retries: number;
  readonly throttled: number;
  readonly users: number;
  readonly groups: number;
  readonly durationMs: number;
  readonly error?: string;
  /** What kind of job-level failure `error` is: the target refused the token, is not a SCIM endpoint, or the source could not be read. */
  readonly errorCode?: 'TARGET_AUTH' | 'TARGET_ENDPOINT' | 'SOURCE';
  /** For a blocked cycle: how many disables and deletes it would have made, and of which type. */
  readonly heldDeletions?: { readonly objectType: SyncObjectType; readonly count: number; readonly threshold: number };
}

export type Recorder = (outcome: ObjectOutcome) => void;

/** Counts outcomes into the summary's counters. */
export function createTally() {
  const counts = { created: 0, updated: 0, disabled: 0, deleted: 0, skipped: 0, failed: 0, linked: 0, unchanged: 0, escrowed: 0 };
  return {
    counts,
    add(outcome: ObjectOutcome): void {
      if (outcome.escrowed === true) counts.escrowed += 1;
      else if (outcome.status === 'failure') counts.failed += 1;
      else if (outcome.action === 'create') counts.created += 1;
      else if (outcome.action === 'update') counts.updated += 1;
      else if (outcome.action === 'disable') counts.disabled += 1;
      else if (outcome.action === 'delete') counts.deleted += 1;
      else if (outcome.action === 'link') counts.linked += 1;
      else if (outcome.action === 'unchanged') counts.unchanged += 1;
      else counts.skipped += 1;
    },
  };
}
