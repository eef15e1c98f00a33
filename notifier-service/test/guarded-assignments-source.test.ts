import { afterEach, describe, it, expect } from '@jest/globals';
import { RetryLaterError } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';
import { guardAssignmentsSource, type GuardedAssignmentsSource } from '../src/delivery-client/guarded-assignments-source.js';
import { createRiderAssignmentsClient, RiderAssignmentsFetchError } from '../src/delivery-client/rider-assignments-client.js';
import { captureLogger } from './helpers/capture-logger.js';
import { FakeDeliveryService } from './helpers/fake-delivery-service.js';

describe('the circuit breaker on rider-assignment requests, against a real HTTP server', () => {
  let fake: FakeDeliveryService | undefined;
  let guarded: GuardedAssignmentsSource | undefined;
  afterEach(async () => {
    guarded?.close();
    await fake?.close();
    fake = guarded = undefined;
  });

  const OPEN_MS = 400;
  async function start(timeoutMs = 2_000) {
    fake = await FakeDeliveryService.start();
    const log = captureLogger('info');
    const client = createRiderAssignmentsClient({ baseUrl: fake.url, token: async () => 'the-token', timeoutMs });
    guarded = guardAssignmentsSource(client, { failuresToOpen: 5, openMs: OPEN_MS, windowMs: 10_000 }, log.logger);
    return { fake, guarded, log };
  }

  it('when delivery-service answers 503, then after 5 failures requests stop for the pause, and one request closes it again once it answers', async () => {
    const { fake, guarded, log } = await start();
    fake.setDown(true);
    for (let i = 0; i < 5; i += 1) await expect(guarded.fetch('rider-ann')).rejects.toBeInstanceOf(RiderAssignmentsFetchError);
    expect(fake.requests).toHaveLength(5);
    expect(guarded.state).toBe('open');

    // While open: 50 more events ask, none reaches delivery-service, each is told how long to wait.
    const refused = await Promise.allSettled(Array.from({ length: 50 }, () => guarded.fetch('rider-ann')));
    expect(fake.requests).toHaveLength(5);
    for (const r of refused) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason as RetryLaterError;
      expect(reason).toBeInstanceOf(RetryLaterError);
      expect(reason.retryAfterMs).toBeGreaterThan(0);
      expect(reason.retryAfterMs).toBeLessThanOrEqual(OPEN_MS + 50);
    }

    fake.setDown(false);
    await waitFor(() => guarded.state === 'half-open', 'the pause to end');
    await expect(guarded.fetch('rider-ann')).resolves.toMatchObject({ riderId: 'rider-ann', deliveries: [] });
    expect(fake.requests).toHaveLength(6);
    expect(guarded.state).toBe('closed');
    expect(log.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        "delivery-service is not answering rider-assignment requests; riders' lists wait, retried after the pause",
        'delivery-service answers rider-assignment requests again',
      ]),
    );
  });

  it('while the one request after the pause is running, then the other events wait a whole pause, not a moment', async () => {
    const { fake, guarded } = await start(1_000);
    fake.setDown(true);
    for (let i = 0; i < 5; i += 1) await expect(guarded.fetch('rider-dee')).rejects.toBeInstanceOf(RiderAssignmentsFetchError);
    fake.setDown(false);
    fake.setHanging(true);
    await waitFor(() => guarded.state === 'half-open', 'the pause to end');
    const probe = guarded.fetch('rider-dee');
    await waitFor(() => fake.requests.length === 6 || undefined, 'the one request after the pause');
    const meanwhile = await guarded.fetch('rider-dee').catch((err: unknown) => err);
    expect(meanwhile).toBeInstanceOf(RetryLaterError);
    expect((meanwhile as RetryLaterError).retryAfterMs).toBe(OPEN_MS);
    await expect(probe).rejects.toThrow(/did not answer/);
    expect(guarded.state).toBe('open');
    expect(fake.requests).toHaveLength(6);
  });

  it('when delivery-service does not answer in time, then the timeouts open the breaker too', async () => {
    const { fake, guarded } = await start(100);
    fake.setHanging(true);
    for (let i = 0; i < 5; i += 1) await expect(guarded.fetch('rider-bob')).rejects.toThrow(/did not answer/);
    await expect(guarded.fetch('rider-bob')).rejects.toBeInstanceOf(RetryLaterError);
    expect(fake.requests).toHaveLength(5);
  });

  it('when the failure is not about availability (401), then every request still goes through', async () => {
    const { fake, guarded } = await start();
    fake.setRefusing(true);
    for (let i = 0; i < 12; i += 1) await expect(guarded.fetch('rider-cy')).rejects.toThrow(/with 401/);
    expect(fake.requests).toHaveLength(12);
    expect(guarded.state).toBe('closed');
  });
});
