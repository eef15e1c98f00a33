import type { Logger } from '@orderpulse/service-kit';
import { riderAssignmentsMessage } from '../messages/rider-assignments.js';
import type { NotifierMetrics } from '../metrics.js';
import type { MqttPublisher } from '../mqtt/mqtt-publisher.js';
import type { RiderAssignmentsSource } from '../delivery-client/rider-assignments-client.js';
import type { SerialByKey } from '../routing/serial-by-key.js';

export interface RefreshRiderAssignmentsDeps {
  source: RiderAssignmentsSource;
  publisher: MqttPublisher;
  /** Keyed by rider id; not the per-order one. */
  serial: SerialByKey;
  logger: Logger;
  metrics: Pick<NotifierMetrics, 'published'>;
}

/** Ids of the event that caused a refresh, for the logs. */
export type RefreshCause = { eventId: string; orderId: string; deliveryId: string };

export type RefreshRiderAssignments = (riderId: string, cause: RefreshCause) => Promise<void>;

/**
 * Fetches the rider's open deliveries and publishes them retained, resolving after the PUBACK.
 * Refreshes of one rider run one at a time, fetch and publish together, so a list fetched
 * earlier is never published after one fetched later. Any failure rejects (the event is
 * requeued and the refresh retried).
 */
export function createRiderAssignmentsRefresher(deps: RefreshRiderAssignmentsDeps): RefreshRiderAssignments {
  const { source, publisher, serial, logger, metrics } = deps;
  return (riderId, cause) =>
    serial.run(riderId, async () => {
      try {
        const assignments = await source.fetch(riderId);
        const message = riderAssignmentsMessage(assignments);
        await publisher.publish(message);
        metrics.published.inc({ kind: message.kind });
        logger.debug({ ...cause, riderId, open: assignments.deliveries.length }, 'rider assignments published');
      } catch (err) {
        logger.warn({ ...cause, riderId, err: (err as Error).message }, "could not refresh the rider's assignments");
        throw err;
      }
    });
}
