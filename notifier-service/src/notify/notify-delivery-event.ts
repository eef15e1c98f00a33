import type { DeliveryEvent } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { deliveryIdOf, ledgerKeyOf, messagesForDeliveryEvent } from '../messages/delivery-event.js';
import type { PublishedLedger, TrackingStore } from '../ledger/ledger.js';
import type { NotifierMetrics } from '../metrics.js';
import type { LocationPrivacy } from '../messages/location-privacy.js';
import type { MqttPublisher } from '../mqtt/mqtt-publisher.js';
import type { RefreshRiderAssignments } from './refresh-rider-assignments.js';
import type { SerialByKey } from '../routing/serial-by-key.js';
import { settleAll } from './settle-all.js';

export interface NotifyDeliveryEventDeps {
  publisher: MqttPublisher;
  /** Keyed by ledgerKeyOf: a delivery's versions are never compared with its order's. */
  published: PublishedLedger;
  /** The last tracking message published per order id. */
  tracking: TrackingStore;
  refreshRider: RefreshRiderAssignments;
  /** Keyed by order id and shared with order events, so one order's updates stay in order. */
  serial: SerialByKey;
  logger: Logger;
  metrics: Pick<NotifierMetrics, 'published' | 'deduped'>;
  maxPayloadBytes: number;
  /** What customers may see of the rider's position (location-privacy.ts); default 500 m grid, exact within 2 km. */
  privacy?: LocationPrivacy;
}

/**
 * The consumer's handler for `delivery.*`: an event already published (same id, or a version not
 * above the last one published, or below one already attempted, for its delivery) is acked
 * without publishing. Otherwise the
 * order's tracking and location, the admin feed and the lists of the riders concerned are
 * published, and it resolves only once the broker has acknowledged all of them; any failure
 * (a PUBACK timeout, delivery-service not answering) rejects and the message is requeued.
 */
export function createDeliveryEventNotifier(deps: NotifyDeliveryEventDeps): (event: DeliveryEvent) => Promise<void> {
  const { publisher, published, tracking, refreshRider, serial, logger, metrics, maxPayloadBytes, privacy } = deps;

  const notify = async (event: DeliveryEvent) => {
    const deliveryId = deliveryIdOf(event);
    const key = { id: event.id, aggregateId: ledgerKeyOf(event), version: event.version };
    const cause = { eventId: event.id, orderId: event.orderId, deliveryId };
    const ids = {
      ...cause,
      type: event.type,
      version: event.version,
      riderId: event.type === 'delivery.location_updated' ? event.data.riderId : event.data.rider?.id,
    };
    const claim = await published.claim(key);
    if (!claim.publish) {
      metrics.deduped.inc({ reason: claim.reason });
      logger.debug(
        { ...ids, reason: claim.reason, publishedVersion: claim.publishedVersion },
        'event already published or overtaken; acking without publishing',
      );
      return;
    }
    const next = messagesForDeliveryEvent(event, await tracking.get(event.orderId), maxPayloadBytes, privacy);
    await settleAll([
      ...next.messages.map(async (message) => {
        await publisher.publish(message);
        metrics.published.inc({ kind: message.kind });
      }),
      ...next.riders.map((riderId) => refreshRider(riderId, cause)),
    ]);
    if (next.tracking) await tracking.set(event.orderId, next.tracking);
    await published.record(key, { version: event.version });
    logger.info({ ...ids, riders: next.riders, retracked: next.tracking !== undefined }, 'event published to MQTT');
  };

  return (event) => serial.run(event.orderId, () => notify(event));
}
