import { riderAssignmentsMessageSchema, topics, type DeliveryEvent, type OrderTrackingMessage, type RiderAssignmentsMessage } from '@orderpulse/contracts';
import type { MqttMessage } from './mqtt-message.js';

/**
 * Riders whose open deliveries a delivery event may have changed: the rider it names and, when
 * the notifier remembers the delivery going to someone else before, that previous rider.
 * Location updates change nobody's list (it holds status and address, not positions), so they
 * cause no refetch.
 */
export function ridersToRefresh(event: DeliveryEvent, previous: OrderTrackingMessage | undefined): string[] {
  if (event.type === 'delivery.location_updated') return [];
  const current = event.data.rider?.id;
  const before = previous?.deliveryId === event.data.id ? previous.rider?.id : undefined;
  return [...new Set([current, before])].filter((id): id is string => id !== undefined);
}

/** `riders/<riderId>/assignments`, retained, so the rider app gets the list as soon as it connects. */
export function riderAssignmentsMessage(assignments: RiderAssignmentsMessage): MqttMessage {
  const valid = riderAssignmentsMessageSchema.parse(assignments);
  return { kind: 'rider-assignments', topic: topics.riderAssignments(valid.riderId), payload: JSON.stringify(valid), retain: true };
}
