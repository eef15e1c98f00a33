import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Logger } from '@orderpulse/service-kit';
import type { MailContent } from './render-mail.js';

export interface OutgoingMail extends MailContent {
  to: { name: string; address: string };
  /** Also sent as List-Unsubscribe (RFC 2369) with one-click unsubscribe (RFC 8058). */
  unsubscribeUrl: string;
  /** The link the mail is about (the log transport shows it). */
  trackingUrl: string;
  /** For the log only. */
  logContext: Record<string, unknown>;
}

export interface MailTransport {
  /** `smtp`: sent to SMTP_URL; `log`: written to the log (no SMTP_URL, development). */
  readonly kind: 'smtp' | 'log';
  /** Resolves once the server accepted the mail; rejects with nodemailer's error otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string | null }>;
  close(): void;
}

export interface SmtpTransportSettings {
  url: string;
  from: string;
  /** Connecting, the greeting and each exchange with the server. */
  timeoutMs: number;
}

const messageOf = (from: string, mail: OutgoingMail): SendMailOptions => ({
  from,
  to: mail.to,
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  list: { unsubscribe: { url: mail.unsubscribeUrl, comment: 'No more emails about this order' } },
  headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
});

/** Mails go to the SMTP server at `url` (nodemailer: STARTTLS when offered on smtp://, TLS on smtps://). */
export function createSmtpTransport(settings: SmtpTransportSettings): MailTransport {
  const transporter: Transporter = nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      const info = await transporter.sendMail(messageOf(settings.from, mail));
      return { messageId: typeof info.messageId === 'string' ? info.messageId : null };
    },
    close: () => transporter.close(),
  };
}

/**
 * Without SMTP_URL (development, `npm start`): each mail is composed as it would be sent and
 * written to the log, links included, so the demo shows what a customer would get.
 */
export function createLogTransport(from: string, logger: Logger): MailTransport {
  const transporter: Transporter = nodemailer.createTransport({ jsonTransport: true });
  return {
    kind: 'log',
    async send(mail) {
      const info = await transporter.sendMail(messageOf(from, mail));
      logger.info(
        { ...mail.logContext, to: mail.to.address, subject: mail.subject, trackingUrl: mail.trackingUrl, unsubscribeUrl: mail.unsubscribeUrl },
        'mail written here instead of sent (SMTP_URL is unset)',
      );
      return { messageId: typeof info.messageId === 'string' ? info.messageId : null };
    },
    close: () => transporter.close(),
  };
}

/**
 * True when the server refused the mail for good (a 5xx reply such as "no such mailbox"):
 * trying the same mail again would be refused again. Connection failures, timeouts, 4xx replies,
 * 503 (bad command sequence) and 530/535 (our own login refused: a configuration problem that
 * would fail every mail until it is fixed) are worth another attempt.
 */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 && code !== 503 && code !== 535 && code !== 530;
}
