import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AdminFeedMessage } from '@orderpulse/contracts';
import { ReceiptsModel } from '../src/apps/admin/receipts-model.js';

const at = (ms: number) => new Date(Date.parse('2026-01-01T10:00:00.000Z') + ms).toISOString();
const feed = (orderId: string, version: number, type = 'order.status_changed', ms = 0): AdminFeedMessage => ({
  eventId: randomUUID(),
  type,
  orderId,
  version,
  occurredAt: at(ms),
  data: {},
});

describe('ReceiptsModel', () => {
  it('joins the four times of a status change from the feed, the confirm, the notifier and the broker, and samples each hop once', () => {
    const model = new ReceiptsModel();
    const orderId = randomUUID();
    model.applyFeed(feed(orderId, 2));
    model.applyConfirms(orderId, [{ eventId: randomUUID(), type: 'order.status_changed', version: 2, occurredAt: at(0), confirmedAt: at(5) }]);
    model.applyReceipt({ hop: 'published', orderId, topic: `orders/${orderId}/status`, version: 2, publishedAt: at(8), pubackAt: at(9) });
    model.applyReceipt({ hop: 'device', orderId, topic: `orders/${orderId}/status`, version: 2, watching: true, deviceAckAt: at(30) });
    model.applyConfirms(orderId, [{ eventId: randomUUID(), type: 'order.status_changed', version: 2, occurredAt: at(0), confirmedAt: at(5) }]);
    const t0 = Date.parse(at(0));
    expect(model.rowsOf(orderId)).toEqual([
      { kind: 'status', version: 2, type: 'order.status_changed', writtenAt: t0, confirmedAt: t0 + 5, brokerAt: t0 + 9, deviceAt: t0 + 30, watching: true },
    ]);
    expect(model.stats()).toEqual({
      'written→confirmed': { p50: 5, p99: 5, count: 1 },
      'written→broker': { p50: 9, p99: 9, count: 1 },
      'broker→device': { p50: 21, p99: 21, count: 1 },
    });
  });

  it('keeps rider reports apart from status changes, skips rider positions and says when nobody watched', () => {
    const model = new ReceiptsModel();
    const orderId = randomUUID();
    model.applyFeed(feed(orderId, 2, 'delivery.picked_up'));
    model.applyFeed(feed(orderId, 3, 'delivery.location_updated'));
    model.applyFeed(feed(orderId, 2, 'order.status_changed'));
    model.applyReceipt({ hop: 'device', orderId, topic: `orders/${orderId}/tracking`, version: 2, watching: false });
    expect(model.rowsOf(orderId).map((r) => [r.kind, r.version, r.watching])).toEqual([
      ['status', 2, undefined],
      ['tracking', 2, false],
    ]);
  });

  it('is bounded: orders, rows per order, and samples older than the window', () => {
    let now = 0;
    const model = new ReceiptsModel({ maxOrders: 2, rowsPerOrder: 3, windowMs: 1_000 }, () => now);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    for (let v = 1; v <= 5; v += 1) model.applyFeed(feed(a, v));
    expect(model.rowsOf(a).map((r) => r.version)).toEqual([5, 4, 3]);
    model.applyFeed(feed(b, 1));
    model.applyFeed(feed(c, 1));
    expect(model.rowsOf(a)).toEqual([]);
    model.applyReceipt({ hop: 'published', orderId: c, topic: `orders/${c}/status`, version: 1, publishedAt: at(1), pubackAt: at(2) });
    model.applyReceipt({ hop: 'device', orderId: c, topic: `orders/${c}/status`, version: 1, watching: true, deviceAckAt: at(7) });
    expect(model.stats()['broker→device']?.count).toBe(1);
    now = 2_000;
    expect(model.stats()['broker→device']).toBeUndefined();
  });
});
