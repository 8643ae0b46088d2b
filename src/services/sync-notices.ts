/**
 * Mails about provisioning jobs stored in scimd, to the organization's notification addresses
 * (over SMTP or into the mail log): a cycle held at the accidental-deletion threshold, the
 * quarantine, and failures. The runner decides when each is due (src/sync/health.ts: hold and
 * failure mails at most once an hour per job unless the reason changes).
 */
import type { Store } from '../store/store.ts';
import type { HealthDecision } from '../sync/health.ts';
import type { CycleSummary } from '../sync/outcome.ts';
import type { FailedObject, SyncNotify } from '../sync/runner.ts';
import { notificationAddresses } from './key-reminders.ts';
import type { MailService } from './mail.ts';

export const SYNC_DELETIONS_HELD = 'sync-deletions-held';
export const SYNC_QUARANTINE = 'sync-quarantine';
export const SYNC_FAILURE = 'sync-failure';

/** Creates the notices; `deletionsHeld` mails the organization that owns the job. */
export function createSyncNotices(deps: { readonly store: Store; readonly mail: MailService }) {
  return {
    /** A cycle stopped at the deletion threshold; false when the organization is gone (nothing sent). */
    async deletionsHeld(orgId: string, summary: CycleSummary): Promise<boolean> {
      const org = await deps.store.organizations.get(orgId);
      if (org === undefined) return false;
      const held = summary.heldDeletions;
      const what = held === undefined ? 'objects' : `${held.count} ${held.objectType === 'User' ? 'users' : 'groups'} (threshold ${held.threshold})`;
      await deps.mail.send(orgId, {
        kind: SYNC_DELETIONS_HELD,
        to: notificationAddresses(org.settings),
        subject: `Provisioning job "${summary.job}" is on hold: it would disable or delete ${what}`,
        text: [
          `The provisioning job "${summary.job}" stopped its cycle ${summary.runId} before changing anything:`,
          '',
          summary.error ?? 'the accidental-deletion threshold was exceeded.',
          '',
          'If the source is wrong (an emptied export, a broken filter), fix it: the next cycle then goes on normally.',
          `If the deletions are intended, approve them with: scimd sync approve-deletions --config <the job's file>`,
          'Until then every cycle of the job stops at the same point; this notice is repeated at most once an hour.',
        ].join('\n'),
      });
      return true;
    },
    /** The job entered quarantine, its reason changed, or it was disabled after four weeks. */
    async quarantine(orgId: string, decision: HealthDecision, summary: CycleSummary): Promise<void> {
      const org = await deps.store.organizations.get(orgId);
      if (org === undefined) return;
      const h = decision.health;
      const disabled = decision.event === 'disabled';
      await deps.mail.send(orgId, {
        kind: SYNC_QUARANTINE,
        to: notificationAddresses(org.settings),
        subject: disabled ? `Provisioning job "${summary.job}" was disabled after four weeks in quarantine` : `Provisioning job "${summary.job}" is in quarantine`,
        text: [
          disabled ? `The provisioning job "${summary.job}" has been in quarantine since ${h.quarantinedAt ?? '?'} and is now disabled.` : `The provisioning job "${summary.job}" is in quarantine since ${h.quarantinedAt ?? '?'}.`,
          '',
          `Reason (${h.quarantineCode ?? '?'}): ${h.quarantineReason ?? ''}`,
          '',
          disabled ? 'Fix the cause, then restart the job (scimd sync job put, or Restart in the console).' : `Cycles now run less often (next: ${h.nextRunAt ?? '?'}); the first clean cycle lifts the quarantine. After four weeks the job is disabled.`,
          'Check the Tenant URL and Secret Token, and the provisioning logs (scimd sync logs --status failure).',
        ].join('\n'),
      });
    },
    /** A cycle had failures: the failing objects and the first error (the runner asks at most once an hour). */
    async failure(orgId: string, summary: CycleSummary, failed: readonly FailedObject[]): Promise<boolean> {
      const org = await deps.store.organizations.get(orgId);
      if (org === undefined) return false;
      const first = failed[0]?.reason ?? summary.error ?? 'unknown';
      await deps.mail.send(orgId, {
        kind: SYNC_FAILURE,
        to: notificationAddresses(org.settings),
        subject: `Provisioning job "${summary.job}": ${summary.status === 'failed' ? 'the cycle failed' : `${summary.failed} objects failed`}`,
        text: [
          `The ${summary.kind} cycle ${summary.runId} of the provisioning job "${summary.job}" ${summary.status === 'failed' ? 'failed' : 'finished with failures'}.`,
          '',
          `First error: ${first}`,
          ...(failed.length === 0 ? [] : ['', `Failing objects (${summary.failed}${summary.failed > failed.length ? `, the first ${failed.length}` : ''}):`, ...failed.map((f) => `  ${f.objectType} ${f.sourceKey}: ${f.reason}`)]),
          '',
          'Failed objects are retried on the next cycles with back-off. At most one such mail is sent per job and hour, unless the reason changes.',
          'Details: scimd sync logs --status failure, or the Provisioning page of the console.',
        ].join('\n'),
      });
      return true;
    },
    /** The runner's notify hooks for the organization's job. */
    notifyFor(orgId: string): SyncNotify {
      return {
        quarantine: (decision, summary) => this.quarantine(orgId, decision, summary),
        failure: (summary, failed) => this.failure(orgId, summary, failed),
        held: (summary) => this.deletionsHeld(orgId, summary),
      };
    },
  };
}
