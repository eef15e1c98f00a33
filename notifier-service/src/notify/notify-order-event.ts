import type { OrderEvent } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { messagesForOrderEvent, type OrderProgress } from '../messages/order-event.js';
import type { PublishedLedger } from '../ledger/ledger.js';
import type { NotifierMetrics } from '../metrics.js';
import type { MqttPublisher } from '../mqtt/mqtt-publisher.js';
import type { SerialByKey } from '../routing/serial-by-key.js';
import { settleAll } from './settle-all.js';

export interface NotifyOrderEventDeps {
  publisher: MqttPublisher;
  /** Keyed by order id. */
  published: PublishedLedger<OrderProgress>;
  /** Keyed by order id and shared with delivery events. */
  serial: SerialByKey;
  logger: Logger;
  metrics: Pick<NotifierMetrics, 'published' | 'deduped'>;
  maxPayloadBytes: number;
}

/**
 * The handler for `order.*`: events of one order run one at a time, in arrival order. An event
 * already published (same id, or a version not above the last one published for its order) is
 * acked without publishing. Otherwise it resolves only once the broker has acknowledged both
 * MQTT messages, so the AMQP ack follows the PUBACKs; a failed publish rejects and the message
 * is requeued.
 */
export function createOrderEventNotifier(deps: NotifyOrderEventDeps): (event: OrderEvent) => Promise<void> {
  const { publisher, published, serial, logger, metrics, maxPayloadBytes } = deps;

  const notify = async (event: OrderEvent) => {
    const ids = { eventId: event.id, orderId: event.orderId, type: event.type, version: event.version };
    const key = { id: event.id, aggregateId: event.orderId, version: event.version };
    const claim = await published.claim(key);
    if (!claim.publish) {
      metrics.deduped.inc({ reason: claim.reason });
      logger.debug(
        { ...ids, reason: claim.reason, publishedVersion: claim.publishedVersion },
        'event already published or overtaken; acking without publishing',
      );
      return;
    }
    const { status, messages } = messagesForOrderEvent(event, claim.progress, maxPayloadBytes);
    await settleAll(
      messages.map(async (message) => {
        await publisher.publish(message);
        metrics.published.inc({ kind: message.kind });
      }),
    );
    await published.record(key, { version: status.version, trackingNumber: status.trackingNumber });
    logger.info({ ...ids, status: status.status }, 'event published to MQTT');
  };

  return (event) => serial.run(event.orderId, () => notify(event));
}
