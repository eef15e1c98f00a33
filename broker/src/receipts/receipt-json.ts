/**
 * The JSON of a `published` hop receipt, byte for byte what `JSON.stringify` writes for
 * `{hop, orderId, topic, version, publishedAt, pubackAt}` (receipt-json.test.ts compares), without
 * walking an object: the broker makes one for every status or tracking message the notifier
 * publishes (`JSON.stringify` was ~0.6 µs of it). Only for fields that need no escaping, as
 * device-receipts.ts has them: an order id that passed `isTopicId`, the topic it was read from
 * (`receiptedOrderOf`), an integer version and a `toISOString` time.
 */
export function publishedReceiptJson(orderId: string, topic: string, version: number, at: string): string {
  return `{"hop":"published","orderId":"${orderId}","topic":"${topic}","version":${version},"publishedAt":"${at}","pubackAt":"${at}"}`;
}

/**
 * `new Date(ms).toISOString()` (~0.5 µs), remembered for the last millisecond asked: at thousands
 * of receipts a second most share their millisecond with the one before.
 */
export function isoTimeOfMs(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
}
