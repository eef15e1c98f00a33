import { randomUUID } from 'node:crypto';
import { describe, it, expect } from '@jest/globals';
import { PublishedEvents } from '../src/dedupe.js';
import type { OrderProgress } from '../src/handlers/order-event.js';

const orderId = randomUUID();
const event = (version: number, id = randomUUID()) => ({ id, aggregateId: orderId, version });

describe('PublishedEvents', () => {
  it('when nothing was published for the order, then any version is published', () => {
    expect(new PublishedEvents<OrderProgress>(10).claim(event(3))).toEqual({ publish: true });
  });

  it('when the same event id comes again, then it is a duplicate', () => {
    const published = new PublishedEvents<OrderProgress>(10);
    const first = event(1);
    published.record(first, { version: 1, trackingNumber: null });
    expect(published.claim(first)).toEqual({ publish: false, reason: 'duplicate' });
  });

  it.each([1, 2])('when version %i comes after version 2 was published, then it is stale', (version) => {
    const published = new PublishedEvents<OrderProgress>(10);
    published.record(event(2), { version: 2, trackingNumber: 'TRK-1' });
    expect(published.claim(event(version))).toEqual({ publish: false, reason: 'stale', publishedVersion: 2 });
    expect(published.claim(event(3))).toEqual({ publish: true, progress: { version: 2, trackingNumber: 'TRK-1' } });
  });

  it('when more events than the capacity were recorded, then the oldest ids are forgotten', () => {
    const published = new PublishedEvents<OrderProgress>(2);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    ids.forEach((id, i) => published.record({ id, aggregateId: randomUUID(), version: i + 1 }, { version: i + 1, trackingNumber: null }));
    expect(published.claim({ id: ids[0]!, aggregateId: randomUUID(), version: 1 })).toEqual({ publish: true });
    expect(published.claim({ id: ids[2]!, aggregateId: randomUUID(), version: 1 })).toMatchObject({ reason: 'duplicate' });
  });

  it('when an order was published, then the next claim carries its progress (the tracking number)', () => {
    const published = new PublishedEvents<OrderProgress>(10);
    published.record(event(4), { version: 4, trackingNumber: 'TRK-9' });
    expect(published.claim(event(5))).toEqual({ publish: true, progress: { version: 4, trackingNumber: 'TRK-9' } });
  });

  it('when an attempt at version 4 failed, then a retried version 3 is stale and version 4 may be tried again', () => {
    const published = new PublishedEvents<OrderProgress>(10);
    const v3 = event(3);
    const v4 = event(4);
    expect(published.claim(v3)).toEqual({ publish: true });
    // v3 failed and went back to the queue; v4 began (and may have reached the broker), then failed too.
    expect(published.claim(v4)).toEqual({ publish: true });
    expect(published.claim(v3)).toEqual({ publish: false, reason: 'stale', publishedVersion: 4 });
    expect(published.claim(v4)).toEqual({ publish: true });
    published.record(v4, { version: 4, trackingNumber: null });
    expect(published.claim(v4)).toEqual({ publish: false, reason: 'duplicate' });
  });

  it('when two aggregates share nothing but a version number, then each is judged on its own', () => {
    const published = new PublishedEvents(10);
    published.record({ id: randomUUID(), aggregateId: 'order-1', version: 5 }, { version: 5 });
    expect(published.claim({ id: randomUUID(), aggregateId: 'delivery-1', version: 1 })).toEqual({ publish: true });
  });
});
