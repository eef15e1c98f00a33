import type { Aedes, Client } from 'aedes';
import { orderReceiptMessageSchema, topics, type HopReceipt, type TokenClaims } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { DeviceReceiptBook, type DeviceReceiptBookOptions } from './device-receipt-book.js';
import { isoTimeOfMs, publishedReceiptJson } from './receipt-json.js';
import { messageVersionOf, receiptedOrderOf } from './receipted-message.js';

export interface DeviceReceiptsOptions {
  aedes: Aedes;
  /** The verified claims of a connected client (auth/index.ts `sessionOf`). */
  claimsOf(client: Client): TokenClaims | undefined;
  logger: Logger;
  limits?: Partial<DeviceReceiptBookOptions>;
  clock?: () => number;
}

const DEFAULT_LIMITS: DeviceReceiptBookOptions = { maxPendingTopics: 10_000, maxVersionsPerTopic: 4, ttlMs: 5 * 60_000 };

/**
 * Issue 17 point 1, the broker's two hops. When it accepts the notifier's status or tracking
 * message (stored, about to be PUBACKed), the broker publishes `published` on
 * `admin/receipts/<orderId>` itself. (The notifier used to send that receipt after each PUBACK:
 * one more write, and one more publish for the broker to take in, per event.)
 *
 * Then the last hop. A customer's page publishes `{topic, version}` on
 * `orders/<orderId>/receipt` (only that order's customers may write it) once it applied a status
 * or tracking message. (Its QoS 1 PUBACK would do, but aedes forgets which message a clean
 * session's PUBACK answers.) For every status or tracking message the notifier publishes, the
 * broker publishes once on `admin/receipts/<orderId>` (admins only read it; no client may write
 * it) when the first customer device's receipt came, or at once that no customer device was
 * subscribed to it. Per broker: behind several brokers a customer connected to another one is
 * not seen here.
 */
export function trackDeviceReceipts({ aedes, claimsOf, logger, limits, clock = Date.now }: DeviceReceiptsOptions): DeviceReceiptBook<Client> {
  const book = new DeviceReceiptBook<Client>({ ...DEFAULT_LIMITS, ...limits });
  const isCustomer = (client: Client | null | undefined) => !!client && claimsOf(client)?.role === 'customer';

  const isoTimeOf = isoTimeOfMs();

  /** The broker's own hop at QoS 0, as the notifier sent it before: no PUBACK from delivery-service to wake the broker again. */
  const publishJson = (orderId: string, topic: string, hop: HopReceipt['hop'], payload: Buffer, qos: 0 | 1) => {
    aedes.publish({ cmd: 'publish', topic: topics.adminReceipts(orderId), payload, qos, retain: false, dup: false }, (err) => {
      // As for rider presence: one in flight when the broker shuts down fails with it.
      if (err) logger[aedes.closed ? 'debug' : 'warn']({ orderId, topic, hop, err: err.message }, 'hop receipt not published');
    });
  };
  const publish = (receipt: HopReceipt, qos: 0 | 1 = 1) => publishJson(receipt.orderId, receipt.topic, receipt.hop, Buffer.from(JSON.stringify(receipt)), qos);

  aedes.on('subscribe', (subscriptions, client) => {
    if (!isCustomer(client)) return;
    for (const { topic } of subscriptions) if (receiptedOrderOf(topic)) book.watch(client, topic);
  });
  aedes.on('unsubscribe', (filters, client) => {
    if (isCustomer(client)) for (const topic of filters) book.unwatch(client, topic);
  });
  aedes.on('clientDisconnect', (client) => book.drop(client));

  aedes.on('publish', (packet, client) => {
    if (!client) return;
    const claims = claimsOf(client);
    if (claims?.role === 'customer') return customerReceipt(claims.orderId, packet.topic, packet.payload);
    if (claims?.role !== 'service' || claims.sub !== 'notifier') return;
    const orderId = receiptedOrderOf(packet.topic);
    const version = orderId && messageVersionOf(packet.payload);
    if (!orderId || !version) return;
    const now = clock();
    // latin1: that JSON is ASCII (receipt-json.ts), and this encoder is the cheaper one.
    const json = publishedReceiptJson(orderId, packet.topic, version, isoTimeOf(now));
    publishJson(orderId, packet.topic, 'published', Buffer.from(json, 'latin1'), 0);
    const outcome = book.published(packet.topic, { orderId, version, publishedAtMs: now });
    if (outcome === 'nobody-watching') publish({ hop: 'device', orderId, topic: packet.topic, version, watching: false });
  });

  /** The topic rules let a customer write only its own order's receipt topic, with a small payload. */
  const customerReceipt = (orderId: string, topic: string, payload: unknown) => {
    if (topic !== topics.orderReceipt(orderId) || (!Buffer.isBuffer(payload) && typeof payload !== 'string')) return;
    let parsed;
    try {
      parsed = orderReceiptMessageSchema.safeParse(JSON.parse(payload.toString()));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const acknowledged = parsed.data.topic === 'status' ? topics.orderStatus(orderId) : topics.orderTracking(orderId);
    const now = clock();
    const found = book.acknowledged(acknowledged, parsed.data.version, now);
    if (found) publish({ hop: 'device', orderId, topic: acknowledged, version: found.version, watching: true, deviceAckAt: new Date(now).toISOString() });
  };
  return book;
}
