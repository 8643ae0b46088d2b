/**
 * The SMTP adapter of the mail port (services/mail.ts `MailTransport`), over nodemailer: the only
 * module that knows a mail transport library, so the services stay transport-agnostic.
 */
import type { Transporter } from 'nodemailer';
import type { MailTransport } from '../services/mail.ts';

export interface SmtpOptions {
  /** Do not upgrade to TLS with STARTTLS (local test servers). */
  readonly ignoreTLS?: boolean;
  /** Milliseconds to wait for the connection and for each SMTP reply (30 s by default). */
  readonly timeoutMs?: number;
}

/** An SMTP transport for `smtp://user:pass@host:port` or `smtps://…` (nodemailer). */export function createSmtpTransport(url: string, options: SmtpOptions = {}): MailTransport {
  const timeout = options.timeoutMs ?? 30_000;
  // nodemailer is loaded with the first mail, not at start-up: most servers send few mails, and
  // loading it costs a noticeable part of the start-up time (docs/benchmarks.md, "Startup").
  let transporter: Promise<Transporter> | undefined;
  const connect = async (): Promise<Transporter> => {
    const { createTransport } = await import('nodemailer');
    return createTransport({
      url,
      ignoreTLS: options.ignoreTLS ?? false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  };
  return {
    kind: 'smtp',
    async send(message) {
      transporter ??= connect();
      const info = await (await transporter).sendMail({ from: message.from, to: [...message.to], subject: message.subject, text: message.text });
      return { messageId: typeof info.messageId === 'string' ? info.messageId : null };
    },
    close: () => {
      void transporter?.then((t) => t.close(), () => undefined);
    },
  };
}
