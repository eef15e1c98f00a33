import { createTokenService, createMetricsRegistry, type Registry } from '@orderpulse/service-kit';
import { captureLogger, type CapturedLogger } from '@orderpulse/service-kit/testing';
import type { SmtpSink } from '@orderpulse/service-kit/testing/smtp-sink';
import { createInMemoryMailStore } from '../../src/data-access/in-memory-mail-store.js';
import type { MailStore } from '../../src/data-access/mail-store.js';
import type { MailDeps } from '../../src/domain/mail-deps.js';
import { createMailLinks } from '../../src/mail/mail-links.js';
import { createSmtpTransport } from '../../src/mail/mail-transport.js';
import { createUnsubscribeTokens, type UnsubscribeTokens } from '../../src/mail/unsubscribe-tokens.js';
import { createMailMetrics } from '../../src/metrics.js';
import { at } from './factories.js';

export const TEST_SECRET = 'mail-service-test-secret-0123456789abcdef';
export const PUBLIC_WEB_URL = 'https://shop.example';
export const PUBLIC_MAIL_URL = 'https://shop.example/api/mail';

export interface MailDepsUnderTest {
  deps: MailDeps;
  store: MailStore;
  unsubscribeTokens: UnsubscribeTokens;
  registry: Registry;
  log: CapturedLogger;
  /** The test's clock: starts at 10:00 on the test day and moves only when told. */
  advance(ms: number): void;
  close(): void;
}

/** The use cases' dependencies as the service builds them, on the memory store, mailing a real SMTP server. */
export function mailDepsUnderTest(sink: SmtpSink, options: { resendAfterMs?: number; maxAttempts?: number; store?: MailStore } = {}): MailDepsUnderTest {
  let now = Date.parse(at(0));
  const store = options.store ?? createInMemoryMailStore();
  const registry = createMetricsRegistry('mail-service');
  const log = captureLogger('info');
  const unsubscribeTokens = createUnsubscribeTokens(TEST_SECRET, 3600, () => now);
  const transport = createSmtpTransport({ url: sink.url, from: 'orderpulse <no-reply@shop.example>', timeoutMs: 5_000 });
  const deps: MailDeps = {
    store,
    transport,
    links: createMailLinks({
      tokens: createTokenService(TEST_SECRET, () => now),
      unsubscribeTokens,
      customerTokenTtlSeconds: 3600,
      publicWebUrl: PUBLIC_WEB_URL,
      publicMailUrl: PUBLIC_MAIL_URL,
    }),
    metrics: createMailMetrics(registry),
    retry: { resendAfterMs: options.resendAfterMs ?? 60_000, maxAttempts: options.maxAttempts ?? 3 },
    clock: () => new Date(now),
    logger: log.logger,
  };
  return {
    deps,
    store,
    unsubscribeTokens,
    registry,
    log,
    advance: (ms) => {
      now += ms;
    },
    close: () => transport.close(),
  };
}

/** The value of one counter series, 0 when it was never counted. */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value));
  return found?.value ?? 0;
}
