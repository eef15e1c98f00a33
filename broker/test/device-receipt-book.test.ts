import { DeviceReceiptBook } from '../src/receipts/device-receipt-book.js';

const ORDER = '6f1c1b8e-2f4a-4c1e-9a53-0c7f5a1e0001';
const STATUS = `orders/${ORDER}/status`;
const limits = { maxPendingTopics: 3, maxVersionsPerTopic: 2, ttlMs: 1_000 };

describe('DeviceReceiptBook', () => {
  it('says nobody is watching when no customer connection is subscribed', () => {
    const book = new DeviceReceiptBook<string>(limits);
    expect(book.published(STATUS, { orderId: ORDER, version: 1, publishedAtMs: 0 })).toBe('nobody-watching');
    expect(book.pendingCount()).toBe(0);
  });

  it('gives the pending message to the first acknowledgement only', () => {
    const book = new DeviceReceiptBook<string>(limits);
    book.watch('a', STATUS);
    book.watch('b', STATUS);
    expect(book.published(STATUS, { orderId: ORDER, version: 2, publishedAtMs: 10 })).toBe('pending');
    expect(book.published(STATUS, { orderId: ORDER, version: 2, publishedAtMs: 11 })).toBe('already-pending');
    expect(book.acknowledged(STATUS, 1, 20)).toBeUndefined();
    expect(book.acknowledged(STATUS, 2, 20)).toEqual({ orderId: ORDER, version: 2, publishedAtMs: 10 });
    expect(book.acknowledged(STATUS, 2, 21)).toBeUndefined();
    expect(book.pendingCount()).toBe(0);
  });

  it('stops counting a watcher once it unsubscribes or its connection drops', () => {
    const book = new DeviceReceiptBook<string>(limits);
    book.watch('a', STATUS);
    book.watch('b', STATUS);
    book.unwatch('a', STATUS);
    expect(book.watcherCount(STATUS)).toBe(1);
    book.drop('b');
    expect(book.watcherCount(STATUS)).toBe(0);
    expect(book.published(STATUS, { orderId: ORDER, version: 3, publishedAtMs: 0 })).toBe('nobody-watching');
  });

  it('keeps at most maxVersionsPerTopic versions of a topic, dropping the oldest', () => {
    const book = new DeviceReceiptBook<string>(limits);
    book.watch('a', STATUS);
    for (const version of [1, 2, 3]) book.published(STATUS, { orderId: ORDER, version, publishedAtMs: version });
    expect(book.pendingCount()).toBe(2);
    expect(book.acknowledged(STATUS, 1, 5)).toBeUndefined();
    expect(book.acknowledged(STATUS, 3, 5)?.version).toBe(3);
  });

  it('keeps at most maxPendingTopics topics, dropping the least recently published', () => {
    const book = new DeviceReceiptBook<string>(limits);
    const topicsOf = [1, 2, 3, 4].map((n) => `orders/6f1c1b8e-2f4a-4c1e-9a53-0c7f5a1e000${n}/status`);
    for (const topic of topicsOf) book.watch('a', topic);
    topicsOf.forEach((topic, i) => book.published(topic, { orderId: ORDER, version: 1, publishedAtMs: i }));
    expect(book.pendingCount()).toBe(3);
    expect(book.acknowledged(topicsOf[0]!, 1, 5)).toBeUndefined();
    expect(book.acknowledged(topicsOf[3]!, 1, 5)?.version).toBe(1);
  });

  it('forgets what nobody acknowledged within the TTL', () => {
    const book = new DeviceReceiptBook<string>(limits);
    book.watch('a', STATUS);
    book.published(STATUS, { orderId: ORDER, version: 1, publishedAtMs: 0 });
    expect(book.acknowledged(STATUS, 1, 1_000)).toBeUndefined();
    book.published(STATUS, { orderId: ORDER, version: 2, publishedAtMs: 2_000 });
    book.published(`orders/${ORDER}/tracking`, { orderId: ORDER, version: 1, publishedAtMs: 2_000 });
    expect(book.pendingCount()).toBe(1);
    book.published(STATUS, { orderId: ORDER, version: 3, publishedAtMs: 4_000 });
    expect(book.pendingCount()).toBe(1);
  });
});
