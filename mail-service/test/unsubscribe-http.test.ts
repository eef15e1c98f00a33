import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createLogger, createMetricsRegistry, createTokenService, listen, type RunningServer } from '@orderpulse/service-kit';
import { createMailApp } from '../src/app.js';
import { createInMemoryMailStore } from '../src/data-access/in-memory-mail-store.js';
import type { MailStore } from '../src/data-access/mail-store.js';
import { createUnsubscribeTokens } from '../src/mail/unsubscribe-tokens.js';
import { MAX_TOKEN_LENGTH } from '../src/routes/unsubscribe-routes.js';
import { aRecipient } from './support/factories.js';
import { TEST_SECRET } from './support/mail-deps-under-test.js';

const REQUESTS_PER_MINUTE = 12;

/** GET/POST /unsubscribe as a stranger reaches it: bounded, and a bad link is a 4xx, never a 500. */
describe('GET and POST /unsubscribe', () => {
  const tokens = createUnsubscribeTokens(TEST_SECRET, 3600);
  let store: MailStore;
  let server: RunningServer;
  /** Each test's requests come from their own loopback address, so the per-address budget is the test's own. */
  let address = 1;
  beforeAll(async () => {
    store = createInMemoryMailStore();
    const app = createMailApp({
      store,
      tokens,
      clock: () => new Date(),
      logger: createLogger('mail-http-test', 'silent'),
      requestsPerMinute: REQUESTS_PER_MINUTE,
      registry: createMetricsRegistry('mail-service'),
      readiness: () => ({ store: true }),
      // Trust X-Forwarded-For here only to give each test its own client address.
      trustProxyHops: 1,
    });
    server = await listen(app, 0);
  });
  afterAll(async () => {
    await server?.close();
  });

  let from = '';
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { 'X-Forwarded-For': from, ...(init.headers ?? {}) } });
  const nextAddress = () => {
    address += 1;
    from = `192.0.2.${address}`;
  };

  it('when a known customer confirms, then GET only asks, POST unsubscribes, and both pages are script-free and not cached', async () => {
    nextAddress();
    const recipient = aRecipient();
    await store.recipients.remember(recipient);
    const token = await tokens.sign(recipient.orderId);

    const page = await request(`/unsubscribe?t=${token}`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain(`Stop emails about order ${recipient.orderNumber}?`);
    expect(html).toContain(`action="unsubscribe?t=${token}"`);
    expect((await store.recipients.find(recipient.orderId))?.unsubscribedAt).toBeNull();

    const done = await request(`/unsubscribe?t=${token}`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`no more emails about order ${recipient.orderNumber}`);
    expect((await store.recipients.find(recipient.orderId))?.unsubscribedAt).toEqual(expect.any(String));
    expect(await (await request(`/unsubscribe?t=${token}`)).text()).toContain('You are unsubscribed');
  });

  it('when the token is missing or longer than the bound, then 400 names t, before any token is parsed', async () => {
    nextAddress();
    const missing = await request('/unsubscribe');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'bad_request', details: { fields: [{ field: 't', message: 'required' }] } } });
    const long = await request(`/unsubscribe?t=${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`, { method: 'POST' });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ error: { details: { fields: [{ field: 't', message: 'too long' }] } } });
  });

  it('when the token is forged, signed for another purpose or expired, then 401 says so (a page for browsers, JSON otherwise)', async () => {
    nextAddress();
    const orderId = randomUUID();
    const forged = await createUnsubscribeTokens(`${TEST_SECRET}-attacker`, 3600).sign(orderId);
    const json = await request(`/unsubscribe?t=${forged}`, { method: 'POST' });
    expect(json.status).toBe(401);
    expect(await json.json()).toMatchObject({ error: { code: 'unauthorized', message: 'unsubscribe link invalid: use the link in your most recent email' } });

    const page = await request(`/unsubscribe?t=${forged}`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('This link does not work');

    const expired = await createUnsubscribeTokens(TEST_SECRET, 60, () => Date.now() - 120_000).sign(orderId);
    const late = await request(`/unsubscribe?t=${expired}`);
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    expect((await request('/unsubscribe?t=not.a.token', { method: 'POST' })).status).toBe(401);
    const customerToken = await createTokenService(TEST_SECRET).sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, 3600);
    expect((await request(`/unsubscribe?t=${customerToken}`, { method: 'POST' })).status).toBe(401);
  });

  it('when one address sends more than its requests per minute, then the rest get 429 with Retry-After, valid tokens included', async () => {
    nextAddress();
    const recipient = aRecipient();
    await store.recipients.remember(recipient);
    const token = await tokens.sign(recipient.orderId);
    const statuses: number[] = [];
    for (let i = 0; i < REQUESTS_PER_MINUTE; i += 1) statuses.push((await request('/unsubscribe?t=garbage')).status);
    expect(statuses.every((s) => s === 401)).toBe(true);

    const refused = await request(`/unsubscribe?t=${token}`, { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await store.recipients.find(recipient.orderId))?.unsubscribedAt).toBeNull();

    nextAddress(); // another address is not affected
    expect((await request(`/unsubscribe?t=${token}`, { method: 'POST' })).status).toBe(200);
  });

  it('when another method is used, then 405; other paths are 404', async () => {
    nextAddress();
    expect((await request('/unsubscribe?t=x', { method: 'DELETE' })).status).toBe(405);
    expect((await request('/subscribe')).status).toBe(404);
  });
});
