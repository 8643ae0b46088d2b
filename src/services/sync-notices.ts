/**
 * Mails about provisioning jobs stored in scimd: a cycle held at the accidental-deletion
 * threshold goes to the organization's notification addresses (over SMTP or into the mail log).
 */
import type { Store } from '../store/store.ts';
import type { CycleSummary } from '../sync/outcome.ts';
import { notificationAddresses } from './key-reminders.ts';
import type { MailService } from './mail.ts';

export const SYNC_DELETIONS_HELD = 'sync-deletions-held';

/** Creates the notices; `deletionsHeld` mails the organization that owns the job. */
export function createSyncNotices(deps: { readonly store: Store; readonly mail: MailService }) {
  return {
    async deletionsHeld(orgId: string, summary: CycleSummary): Promise<void> {
      const org = await deps.store.organizations.get(orgId);
      if (org === undefined) return;
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
          'Until then every cycle of the job stops at the same point.',
        ].join('\n'),
      });
    },
  };
}
