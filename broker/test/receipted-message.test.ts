import { parseTopic } from '@orderpulse/contracts';
import { messageVersionOf, receiptedOrderOf } from '../src/receipts/receipted-message.js';

/** The full parse the fast path stands in for. */
function parsedVersion(text: string): number | undefined {
  try {
    const version = (JSON.parse(text) as { version?: unknown } | null)?.version;
    return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : undefined;
  } catch {
    return undefined;
  }
}

function parsedOrder(topic: string): string | undefined {
  const parsed = parseTopic(topic);
  return parsed && (parsed.kind === 'order-status' || parsed.kind === 'order-tracking') ? parsed.orderId : undefined;
}

const ORDER_ID = '8d2f0b7e-3c1a-4e5b-9f6d-2a7c8e1b4d3f';

describe('receiptedOrderOf', () => {
  it('answers as parseTopic does for status, tracking and everything around them', () => {
    const cases = [
      `orders/${ORDER_ID}/status`,
      `orders/${ORDER_ID}/tracking`,
      `orders/${ORDER_ID}/location`,
      `orders/${ORDER_ID}/receipt`,
      `orders/${ORDER_ID}/statuses`,
      `orders/${ORDER_ID}/xstatus`,
      `orders/${ORDER_ID}/status/extra`,
      `orders/${ORDER_ID}/trackin`,
      'orders/+/status',
      'orders/#',
      'orders//status',
      'orders/status',
      `orders/${'a'.repeat(65)}/status`,
      `orders/${'a'.repeat(64)}/tracking`,
      'orders/ab.cd/status',
      `admin/${ORDER_ID}/status`,
      `Orders/${ORDER_ID}/status`,
      'admin/orders',
      '',
    ];
    for (const topic of cases) expect([topic, receiptedOrderOf(topic)]).toEqual([topic, parsedOrder(topic)]);
    expect(receiptedOrderOf(`orders/${ORDER_ID}/status`)).toBe(ORDER_ID);
    expect(receiptedOrderOf(`orders/${ORDER_ID}/tracking`)).toBe(ORDER_ID);
  });
});

describe('messageVersionOf', () => {
  const status = (version: unknown) =>
    JSON.stringify({ orderId: ORDER_ID, orderNumber: 'OP-1', status: 'shipped', trackingNumber: null, version, updatedAt: '2026-12-06T10:00:00.000Z' });

  it('reads the version of the messages the notifier publishes, as a full parse does', () => {
    for (const version of [1, 2, 9, 10, 99, 12345, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      expect(messageVersionOf(Buffer.from(status(version)))).toBe(version);
      expect(messageVersionOf(status(version))).toBe(version);
    }
    const last = JSON.stringify({ orderId: ORDER_ID, history: [], version: 7 });
    expect(messageVersionOf(Buffer.from(last))).toBe(7);
  });

  it('agrees with a full parse on odd payloads', () => {
    const cases = [
      status(0),
      status(-3),
      status(1.5),
      status('4'),
      status(null),
      status(1e21),
      '{"version":007}',
      '{"version": 5}',
      '{ "version" : 5 }',
      '{"version":5e2}',
      '{"version":5.0}',
      '{"a":{"version":3},"version":4}',
      '{"a":{"version":3}}',
      '{"note":"said \\"version\\":9 here","version":2}',
      '{"version":5',
      '[{"version":5}]',
      'null',
      'not json',
      '{}',
      '{"version":12345678901234567890}',
      '{"version":}',
      '{"a":"x\\\\","version":3}',
      '{"a":"}","version":3}',
      '{"a":"{","b":{"c":[1,{"d":2}]},"version":3}',
      '{"a":["{"],"version":3}',
    ];
    for (const text of cases) expect([text, messageVersionOf(Buffer.from(text))]).toEqual([text, parsedVersion(text)]);
  });

  it('gives nothing for an empty or non-buffer payload', () => {
    expect(messageVersionOf(Buffer.alloc(0))).toBeUndefined();
    expect(messageVersionOf('')).toBeUndefined();
    expect(messageVersionOf(undefined)).toBeUndefined();
    expect(messageVersionOf(5)).toBeUndefined();
  });
});
