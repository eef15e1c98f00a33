import { describe, expect, it } from '@jest/globals';
import { hopReceiptSchema } from '@orderpulse/contracts';
import { isoTimeOfMs, publishedReceiptJson } from '../src/receipts/receipt-json.js';
import { receiptedOrderOf } from '../src/receipts/receipted-message.js';

describe('publishedReceiptJson', () => {
  it('writes what JSON.stringify writes for the same receipt, which the contract accepts', () => {
    const ids = ['8d2f0b7e-3c1a-4e5b-9f6d-2a7c8e1b4d3f', '00000000-0000-4000-8000-000000000000', 'a_b-C9'];
    for (const orderId of ids) {
      for (const kind of ['status', 'tracking']) {
        const topic = `orders/${orderId}/${kind}`;
        expect(receiptedOrderOf(topic)).toBe(orderId); // the only ids and topics it is given
        for (const version of [1, 7, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
          const at = new Date(1_765_000_000_000 + (version % 1_000_000)).toISOString();
          const json = publishedReceiptJson(orderId, topic, version, at);
          expect(json).toBe(JSON.stringify({ hop: 'published', orderId, topic, version, publishedAt: at, pubackAt: at }));
          if (orderId.length === 36) expect(hopReceiptSchema.safeParse(JSON.parse(json)).success).toBe(true);
          expect(Buffer.from(json, 'latin1')).toEqual(Buffer.from(json, 'utf8'));
        }
      }
    }
  });
});

describe('isoTimeOfMs', () => {
  it("gives toISOString's answer for every millisecond, the same one asked again or not", () => {
    const isoTimeOf = isoTimeOfMs();
    const start = Date.UTC(2026, 11, 31, 23, 59, 59, 990);
    for (const ms of [start, start, start + 1, start + 10, start + 10, start - 5, 0, 0, 8.64e15]) {
      expect(isoTimeOf(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
