import { ConfirmReceipts } from '../src/outbox/confirm-receipts.js';

const event = (orderId: string, version: number) => ({
  id: `e-${orderId}-${version}`,
  type: 'order.status_changed',
  version,
  orderId,
  occurredAt: '2026-01-01T00:00:00.000Z',
});

describe('ConfirmReceipts', () => {
  it('returns the confirm time of each recent event of an order, in order', () => {
    const receipts = new ConfirmReceipts({ maxOrders: 10, perOrder: 10, ttlMs: 60_000 });
    receipts.record(event('a', 1), Date.parse('2026-01-01T00:00:00.005Z'));
    receipts.record(event('a', 2), Date.parse('2026-01-01T00:00:01.000Z'));
    receipts.record(event('b', 1), Date.parse('2026-01-01T00:00:01.000Z'));
    expect(receipts.of('a', Date.parse('2026-01-01T00:00:02Z'))).toEqual([
      { eventId: 'e-a-1', type: 'order.status_changed', version: 1, occurredAt: '2026-01-01T00:00:00.000Z', confirmedAt: '2026-01-01T00:00:00.005Z' },
      { eventId: 'e-a-2', type: 'order.status_changed', version: 2, occurredAt: '2026-01-01T00:00:00.000Z', confirmedAt: '2026-01-01T00:00:01.000Z' },
    ]);
    expect(receipts.of('unknown')).toEqual([]);
  });

  it('keeps at most perOrder receipts per order and maxOrders orders, forgetting the oldest', () => {
    const receipts = new ConfirmReceipts({ maxOrders: 2, perOrder: 3, ttlMs: 60_000 });
    for (let v = 1; v <= 5; v += 1) receipts.record(event('a', v), 1_000);
    expect(receipts.of('a', 2_000).map((r) => r.version)).toEqual([3, 4, 5]);
    receipts.record(event('b', 1), 1_000);
    receipts.record(event('c', 1), 1_000);
    expect(receipts.orderCount).toBe(2);
    expect(receipts.of('a', 2_000)).toEqual([]);
    expect(receipts.of('c', 2_000)).toHaveLength(1);
  });

  it('drops receipts older than the TTL', () => {
    const receipts = new ConfirmReceipts({ maxOrders: 2, perOrder: 3, ttlMs: 1_000 });
    receipts.record(event('a', 1), 0);
    receipts.record(event('a', 2), 900);
    expect(receipts.of('a', 1_500).map((r) => r.version)).toEqual([2]);
    expect(receipts.of('a', 5_000)).toEqual([]);
    expect(receipts.orderCount).toBe(0);
  });
});
