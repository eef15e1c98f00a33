import type { DomainEvent } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import type { KeyedLocks } from '../ledger/ledger.js';
import type { NotifierLedger } from '../ledger/open-ledger.js';
import type { NotifierMetrics } from '../metrics.js';
import type { LocationPrivacy } from '../messages/location-privacy.js';
import type { MqttPublisher } from '../mqtt/mqtt-publisher.js';
import { createDeliveryEventNotifier } from '../notify/notify-delivery-event.js';
import { createOrderEventNotifier } from '../notify/notify-order-event.js';
import { createRiderAssignmentsRefresher } from '../notify/refresh-rider-assignments.js';
import type { RiderAssignmentsSource } from '../delivery-client/rider-assignments-client.js';
import { routeEvent } from './route-event.js';
import { createSerialByKey, type SerialByKey } from './serial-by-key.js';

export interface EventHandlerOptions {
  publisher: MqttPublisher;
  assignments: RiderAssignmentsSource;
  ledger: NotifierLedger;
  logger: Logger;
  metrics: NotifierMetrics;
  maxPayloadBytes: number;
  privacy?: LocationPrivacy;
}

/** A serial lane per key in this process that also holds the key's lock among all notifiers. */
function lockedLanes(kind: string, locks: KeyedLocks): SerialByKey {
  const lanes = createSerialByKey();
  return {
    run: (key, task) => lanes.run(key, () => locks.run(`${kind}:${key}`, task)),
    get activeKeys() {
      return lanes.activeKeys;
    },
  };
}

/**
 * The queue's handler with its memory (the ledger): dedupe per aggregate (orders by order id,
 * deliveries by delivery id), the last tracking message per order, one lane per order shared by
 * both kinds of event, and one per rider for assignment lists. Lanes run one task at a time here
 * and, with a shared ledger, also hold the order's (rider's) lock among all notifiers.
 */
export function createEventHandler(options: EventHandlerOptions): (event: DomainEvent) => Promise<void> {
  const { publisher, ledger, logger, metrics, maxPayloadBytes } = options;
  const perOrder = lockedLanes('order', ledger.locks);
  return routeEvent({
    order: createOrderEventNotifier({ publisher, published: ledger.orders, serial: perOrder, logger, metrics, maxPayloadBytes }),
    delivery: createDeliveryEventNotifier({
      publisher,
      published: ledger.deliveries,
      tracking: ledger.tracking,
      refreshRider: createRiderAssignmentsRefresher({ source: options.assignments, publisher, serial: lockedLanes('rider', ledger.locks), logger, metrics }),
      serial: perOrder,
      logger,
      metrics,
      maxPayloadBytes,
      ...(options.privacy ? { privacy: options.privacy } : {}),
    }),
  });
}
