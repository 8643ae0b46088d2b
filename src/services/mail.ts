/**
 * Outgoing mail. With a transport (the SMTP adapter in src/mail/ when `SMTP_URL` is set), mails are
 * delivered through it; without one they are only recorded. Either way every mail lands in the
 * organization's mail log (visible through the admin API) with what became of it, and is reported
 * to `onMail` for the server log. A failed SMTP delivery is logged and thrown, so the job that
 * sent it is retried.
 */
import type { MailLogRecord, MailStatus, MailTransportKind } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** A mail to send to an organization's people. */
export interface MailMessage {
  /** What it is about (`key-expiring`, `key-expired`, …), for the log. */
  readonly kind: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/** The port a mail delivery adapter implements: deliver a mail, answer with the server's message id. */
export interface MailTransport {
  readonly kind: MailTransportKind;
  send(message: { readonly from: string; readonly to: readonly string[]; readonly subject: string; readonly text: string }): Promise<{ readonly messageId: string | null }>;
  close(): void;
}

export interface MailServiceDeps {
  readonly store: Store;
  /** The `From` header (MAIL_FROM). */
  readonly from: string;
  /** SMTP delivery; without it mails are only logged. */
  readonly transport?: MailTransport | undefined;
  /** Told about every mail once it is in the log (the runtime writes a server log line). */
  readonly onMail?: (entry: MailLogRecord) => void;
}

/** A page of the mail log. */
export interface MailPage {
  readonly mails: readonly MailLogRecord[];
  /** Pass back as `cursor` for the next (older) page. */
  readonly nextCursor?: string;
}

const MAX_PAGE = 200;

/** Creates the mail service. */
export function createMailService(deps: MailServiceDeps) {
  const { store, transport } = deps;

  async function record(orgId: string, message: MailMessage, status: MailStatus, extra: { messageId?: string | null; error?: string | null } = {}) {
    const entry = await store.mailLog.append(orgId, {
      kind: message.kind,
      recipients: message.to,
      subject: message.subject,
      body: message.text,
      transport: transport?.kind ?? 'log',
      status,
      messageId: extra.messageId ?? null,
      error: extra.error ?? null,
    });
    deps.onMail?.(entry);
    return entry;
  }

  return {
    /** Whether mails leave the server (SMTP) or are only logged. */
    transportKind: (): MailTransportKind => transport?.kind ?? 'log',

    /**
     * Sends (or, without SMTP, logs) one mail to an organization's recipients and records it.
     * No recipients → recorded as `skipped`. An SMTP failure is recorded as `failed` and thrown.
     */
    async send(orgId: string, message: MailMessage): Promise<MailLogRecord> {
      if (message.to.length === 0) return record(orgId, message, 'skipped', { error: 'the organization has no notification addresses' });
      if (!transport) return record(orgId, message, 'logged');
      let messageId: string | null;
      try {
        ({ messageId } = await transport.send({ from: deps.from, to: message.to, subject: message.subject, text: message.text }));
      } catch (error) {
        await record(orgId, message, 'failed', { error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      return record(orgId, message, 'sent', { messageId });
    },

    /** The organization's mail log, newest first, `limit` (≤ 200) at a time. */
    async list(orgId: string, page: { readonly cursor?: string; readonly limit?: number } = {}): Promise<MailPage> {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), MAX_PAGE);
      const before = page.cursor === undefined || page.cursor === '' ? undefined : page.cursor;
      const rows = await store.mailLog.list(orgId, { ...(before === undefined ? {} : { before }), limit: limit + 1 });
      const mails = rows.slice(0, limit);
      const last = mails[mails.length - 1];
      return rows.length > limit && last ? { mails, nextCursor: last.id } : { mails };
    },

    /** Closes the SMTP connection pool, if any. */
    close: () => transport?.close(),
  };
}

export type MailService = ReturnType<typeof createMailService>;
