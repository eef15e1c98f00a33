import { Counter, Histogram, type Registry } from '@orderpulse/service-kit';

export interface MailMetrics {
  /** Accepted by the SMTP server (or written to the log without SMTP_URL), by kind. */
  sent: Counter<'kind'>;
  /** Attempts that failed, by kind; `final` is true when the mail was given up. */
  failed: Counter<'kind' | 'final'>;
  /** Events that would have sent a mail already recorded (duplicate) or outdated by a later one (superseded). */
  deduplicated: Counter<'kind' | 'reason'>;
  /** Mails not sent: the customer unsubscribed, or the order was never seen (created before this service followed orders). */
  skipped: Counter<'kind' | 'reason'>;
  sendSeconds: Histogram;
}

export function createMailMetrics(registry: Registry): MailMetrics {
  return {
    sent: new Counter({
      name: 'mails_sent_total',
      help: 'Mails the SMTP server accepted (without SMTP_URL: written to the log), by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'mails_failed_total',
      help: 'Mail attempts that failed, by kind; final="true" when the mail was given up (permanent refusal or MAX_SEND_ATTEMPTS)',
      labelNames: ['kind', 'final'],
      registers: [registry],
    }),
    deduplicated: new Counter({
      name: 'mails_deduplicated_total',
      help: 'Events whose mail was not sent again, by kind and reason (duplicate: already recorded for the order; superseded: a later stage was mailed)',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    skipped: new Counter({
      name: 'mails_skipped_total',
      help: 'Mails not sent, by kind and reason (unsubscribed, unknown_order)',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: 'mail_send_seconds',
      help: 'Time from handing a mail to the SMTP server to its answer',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}
