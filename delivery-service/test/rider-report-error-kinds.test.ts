import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { DomainError, StoreUnavailableError, type DomainErrorKind } from '@orderpulse/service-kit';
import { createInMemoryDeliveryStore } from '../src/data-access/in-memory-delivery-store.js';
import { createRiderMessageHandler, REPORT_FAILURE_BY_KIND } from '../src/ingest/rider-message-handler.js';
import { at } from './support/factories.js';
import { testDeps } from './support/use-case-deps.js';

/** A store whose deliveries cannot be read: every read throws `err`. */
function storeThrowing(err: Error) {
  const store = createInMemoryDeliveryStore();
  return { ...store, deliveries: { ...store.deliveries, findById: async () => Promise.reject(err) } };
}

const report = Buffer.from(JSON.stringify({ status: 'picked_up', at: at(0) }));
const statusTopic = topics.riderDeliveryStatus('rider-1', randomUUID());

describe('what the rider ingest does with a domain error, by kind', () => {
  it.each<[DomainErrorKind, 'refuse' | 'retry']>([
    ['invalid', 'refuse'],
    ['forbidden', 'refuse'],
    ['not_found', 'refuse'],
    ['conflict', 'refuse'],
    ['contended', 'retry'],
    ['unavailable', 'retry'],
  ])('when applying a report fails with the kind %s, then the report is %sd', async (kind, expected) => {
    expect(REPORT_FAILURE_BY_KIND[kind]).toBe(expected);
    const err = new DomainError(kind, `failed as ${kind}`);
    const handle = createRiderMessageHandler(testDeps({ store: storeThrowing(err), now: new Date(at(1)) }));
    const outcome = handle(statusTopic, report);
    if (expected === 'refuse') {
      await expect(outcome).resolves.toMatchObject({ result: 'refused', riderId: 'rider-1', reason: `failed as ${kind}` });
    } else {
      // Thrown: the ingest retries it and leaves it unacknowledged meanwhile.
      await expect(outcome).rejects.toBe(err);
    }
  });

  it('when the store is down, then the report is not refused but thrown, to be applied again', async () => {
    const err = new StoreUnavailableError('the delivery store', 'server selection timed out');
    const handle = createRiderMessageHandler(testDeps({ store: storeThrowing(err), now: new Date(at(1)) }));
    await expect(handle(statusTopic, report)).rejects.toBe(err);
  });

  it('when applying a report fails with an error that is not a domain error, then it is thrown, not refused', async () => {
    const err = new Error('socket hang up');
    const handle = createRiderMessageHandler(testDeps({ store: storeThrowing(err), now: new Date(at(1)) }));
    await expect(handle(statusTopic, report)).rejects.toBe(err);
  });
});
