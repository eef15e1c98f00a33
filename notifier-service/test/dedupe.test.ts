import { randomUUID } from 'node:crypto';
import { describe, it, expect } from '@jest/globals';
import { PublishedEvents } from '../src/dedupe.js';
import type { OrderProgress } from '../src/handlers/order-event.js';

const orderId = randomUUID();
const event = (version: number, id = randomUUID()) => ({ id, aggregateId: orderId, version });

describe('PublishedEvents', () => {
  it('when nothing was published for the order, then any version is published', () => {
    expect(new PublishedEvents<OrderProgress>(10).verdict(event(3))).toEqual({ publish: true });
  });

  it('when the same event id comes again, then it is a duplicate', () => {
    const published = new PublishedEvents<OrderProgress>(10);
    const first = event(1);
    published.record(first, { version: 1, trackingNumber: null });
    expect(published.verdict(first)).toEqual({ publish: false, reason: 'duplicate' });
  });

  it.each([1, 2])('when version %i comes after version 2 was published, then it is stale', (version) => {
    const published = new PublishedEvents<OrderProgress>(10);
    published.record(event(2), { version: 2, trackingNumber: 'TRK-1' });
    expect(published.verdict(event(version))).toEqual({ publish: false, reason: 'stale', publishedVersion: 2 });
    expect(published.verdict(event(3))).toEqual({ publish: true });
  });

  it('when more events than the capacity were recorded, then the oldest ids are forgotten', () => {
    const published = new PublishedEvents<OrderProgress>(2);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    ids.forEach((id, i) => published.record({ id, aggregateId: randomUUID(), version: i + 1 }, { version: i + 1, trackingNumber: null }));
    expect(published.verdict({ id: ids[0]!, aggregateId: randomUUID(), version: 1 })).toEqual({ publish: true });
    expect(published.verdict({ id: ids[2]!, aggregateId: randomUUID(), version: 1 })).toMatchObject({ reason: 'duplicate' });
  });

  it('when an order was published, then its progress carries the tracking number', () => {
    const published = new PublishedEvents<OrderProgress>(10);
    published.record(event(4), { version: 4, trackingNumber: 'TRK-9' });
    expect(published.progressOf(orderId)).toEqual({ version: 4, trackingNumber: 'TRK-9' });
  });

  it('when two aggregates share nothing but a version number, then each is judged on its own', () => {
    const published = new PublishedEvents(10);
    published.record({ id: randomUUID(), aggregateId: 'order-1', version: 5 }, { version: 5 });
    expect(published.verdict({ id: randomUUID(), aggregateId: 'delivery-1', version: 1 })).toEqual({ publish: true });
  });
});
