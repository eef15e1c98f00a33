import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait-for.js';

/** One mail as the SMTP server received it, parsed (mailparser). */
export interface ReceivedMail {
  /** The envelope recipients (RCPT TO). */
  recipients: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Header name (lower case) → its raw value, as the message carried it. */
  headers: Map<string, string>;
  receivedAt: Date;
}

export interface SmtpSinkOptions {
  /** Recipients refused at RCPT TO with 550 (a mailbox that does not exist). */
  refuseRecipients?: (address: string) => boolean;
}

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps every mail it accepts. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: what a service's SMTP_URL is set to. */
  url: string;
  port: number;
  readonly mails: readonly ReceivedMail[];
  /** The next `count` messages are answered `451` (try again later) after their data arrived. */
  deferNext(count: number): void;
  /** Waits until `count` mails (of those matching `match`) have arrived, and returns them. */
  waitForMails(count: number, match?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function rawHeaders(lines: readonly { key: string; line: string }[]): Map<string, string> {
  return new Map(lines.map(({ key, line }) => [key.toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
}

/** Plain SMTP without authentication or STARTTLS, up to 1 MiB per mail, on a free port. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let deferred = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: 1024 * 1024,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipients?.(address.address)) {
        callback(Object.assign(new Error(`5.1.1 <${address.address}>: no such mailbox`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream, { skipImageLinks: true }).then(
        (parsed) => {
          if (deferred > 0) {
            deferred -= 1;
            callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
            return;
          }
          mails.push({
            recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: rawHeaders(parsed.headerLines),
            receivedAt: new Date(),
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    deferNext(count) {
      deferred = count;
    },
    async waitForMails(count, match = () => true, timeoutMs = 10_000) {
      return waitFor(
        () => {
          const matching = mails.filter(match);
          return matching.length >= count ? matching : undefined;
        },
        `${count} mail(s) at the SMTP sink (${mails.filter(match).length} so far)`,
        timeoutMs,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
