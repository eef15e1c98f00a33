import { describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { createFeedResync, type FeedWatcher } from '../src/delivery/feed-resync.js';
import { captureLogger } from './helpers/capture-logger.js';

function client(id: string, filters: string[], state: Partial<Pick<FeedWatcher, 'connected' | 'closed'>> = {}): FeedWatcher & { closes: number } {
  const watcher = {
    id,
    connected: state.connected ?? true,
    closed: state.closed ?? false,
    subscriptions: Object.fromEntries(filters.map((filter) => [filter, { qos: 0 }])),
    closes: 0,
    close() {
      watcher.closes += 1;
      watcher.closed = true;
    },
  };
  return watcher;
}

describe('feed resync after a Redis subscription came back', () => {
  it('when it runs, then it closes the connected clients whose filters match the feed, and no one else, and counts and logs them', () => {
    const log = captureLogger('info');
    const clients = {
      console: client('console', [topics.adminOrders(), 'admin/receipts/+']),
      wildcard: client('wildcard', ['admin/#']),
      customer: client('customer', [topics.orderStatus('0b7c2f4e-5d1a-4c3b-9e8f-1a2b3c4d5e6f')]),
      receiptsOnly: client('receipts-only', ['admin/receipts/+']),
      offline: client('offline', [topics.adminOrders()], { connected: false }),
      alreadyClosed: client('already-closed', [topics.adminOrders()], { closed: true }),
    };
    const counted: number[] = [];
    const resync = createFeedResync({ aedes: { clients }, logger: log.logger, feeds: [topics.adminOrders()], onResynced: (n) => counted.push(n) });

    expect(resync()).toBe(2);
    expect(Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, c.closes]))).toEqual({
      console: 1,
      wildcard: 1,
      customer: 0,
      receiptsOnly: 0,
      offline: 0,
      alreadyClosed: 0,
    });
    expect(counted).toEqual([2]);
    expect(log.lines.find((line) => String(line.msg).startsWith('redis subscription restored: feed watchers closed'))).toMatchObject({
      clients: ['console', 'wildcard'],
      feeds: [topics.adminOrders()],
    });
  });

  it('when no client watches the feed, then nothing is closed and nothing is logged', () => {
    const log = captureLogger('info');
    const customer = client('customer', [topics.orderStatus('0b7c2f4e-5d1a-4c3b-9e8f-1a2b3c4d5e6f')]);
    const counted: number[] = [];
    const resync = createFeedResync({
      aedes: { clients: { customer } },
      logger: log.logger,
      feeds: [topics.adminOrders()],
      onResynced: (n) => counted.push(n),
    });
    expect(resync()).toBe(0);
    expect(customer.closes).toBe(0);
    expect(counted).toEqual([0]);
    expect(log.lines).toEqual([]);
  });
});
