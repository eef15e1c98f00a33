import {
  orderLocationMessageSchema,
  orderTrackingMessageSchema,
  topics,
  type DeliveryEvent,
  type DeliveryLocationUpdatedEvent,
  type OrderLocationMessage,
  type OrderTrackingMessage,
} from '@orderpulse/contracts';
import type { MqttMessage } from './mqtt-message.js';
import { adminFeedMessage } from './admin-feed.js';
import { ridersToRefresh } from './rider-assignments.js';

export type DeliverySnapshotEvent = Exclude<DeliveryEvent, DeliveryLocationUpdatedEvent>;

export interface DeliveryEventMessages {
  /** The order's tracking message after this event, when it has one to publish. */
  tracking?: OrderTrackingMessage;
  /** Tracking, location and admin-feed messages, in that order. */
  messages: MqttMessage[];
  /** Riders whose list of open deliveries may have changed. */
  riders: string[];
}

/** Delivery versions are compared per delivery, never against the order's. */
export function deliveryIdOf(event: DeliveryEvent): string {
  return event.type === 'delivery.location_updated' ? event.data.deliveryId : event.data.id;
}

/**
 * The notifier's ledger keeps a delivery's snapshots and its positions apart. Snapshots carry
 * the whole delivery, so a newer one makes an older one redundant; a position does not: were
 * it to make a snapshot that is still being retried stale, that status would never reach the
 * tracking topic.
 */
export function ledgerKeyOf(event: DeliveryEvent): string {
  const deliveryId = deliveryIdOf(event);
  return event.type === 'delivery.location_updated' ? `${deliveryId}/location` : deliveryId;
}

/** The retained tracking message a delivery snapshot gives; `version` is the delivery's. */
export function trackingOf(event: DeliverySnapshotEvent): OrderTrackingMessage {
  const { id, status, rider, history, eta, failureReason, stopsBefore } = event.data;
  return orderTrackingMessageSchema.parse({
    orderId: event.orderId,
    deliveryId: id,
    status,
    ...(rider ? { rider } : {}),
    history,
    ...(eta ? { eta } : {}),
    ...(failureReason ? { failureReason } : {}),
    ...(stopsBefore !== undefined && rider ? { stopsBefore } : {}),
    version: event.version,
  });
}

export function locationOf(event: DeliveryLocationUpdatedEvent): OrderLocationMessage {
  const { lat, lng, heading, at, eta } = event.data;
  return orderLocationMessageSchema.parse({ lat, lng, ...(heading !== undefined ? { heading } : {}), at, version: event.version, ...(eta ? { eta } : {}) });
}

/**
 * The last tracking message of the same delivery with the ETA the new position gives (none when
 * the position gives none: an ETA from an older position would mislead) and the new version.
 * Only when that message is the version just before the position's: after a gap, the missing
 * version may be a status change not yet published, and a tracking message carrying the
 * position's version would make it stale. Undefined when there is nothing safe to publish (the
 * position still goes out on the location topic, which has its own ETA).
 */
export function retrack(previous: OrderTrackingMessage | undefined, event: DeliveryLocationUpdatedEvent): OrderTrackingMessage | undefined {
  if (!previous || previous.deliveryId !== event.data.deliveryId || previous.version !== event.version - 1) return undefined;
  const { eta: _olderEta, ...rest } = previous;
  return { ...rest, ...(event.data.eta ? { eta: event.data.eta } : {}), version: event.version };
}

/**
 * The retained tracking message. A delivery's history is short, but should one ever outgrow the
 * broker's payload limit its oldest entries are left out rather than having the broker refuse
 * the message (and the event retried for ever).
 */
export function trackingMessage(tracking: OrderTrackingMessage, maxPayloadBytes: number): MqttMessage {
  let fitted = tracking;
  let payload = JSON.stringify(fitted);
  while (Buffer.byteLength(payload) > maxPayloadBytes && fitted.history.length > 1) {
    fitted = { ...fitted, history: fitted.history.slice(1) };
    payload = JSON.stringify(fitted);
  }
  return { kind: 'order-tracking', topic: topics.orderTracking(tracking.orderId), payload, retain: true };
}

function locationMessage(event: DeliveryLocationUpdatedEvent): MqttMessage {
  return { kind: 'order-location', topic: topics.orderLocation(event.orderId), payload: JSON.stringify(locationOf(event)), retain: true };
}

/**
 * Everything one delivery event becomes on MQTT. `previous` is the last tracking message the
 * notifier published for the event's order, if it still has it.
 */
export function messagesForDeliveryEvent(
  event: DeliveryEvent,
  previous: OrderTrackingMessage | undefined,
  maxPayloadBytes: number,
): DeliveryEventMessages {
  const riders = ridersToRefresh(event, previous);
  if (event.type === 'delivery.location_updated') {
    const tracking = retrack(previous, event);
    const messages = [locationMessage(event), adminFeedMessage(event, {}, maxPayloadBytes)];
    if (!tracking) return { messages, riders };
    return { tracking, messages: [trackingMessage(tracking, maxPayloadBytes), ...messages], riders };
  }
  const tracking = trackingOf(event);
  const admin = adminFeedMessage(event, { orderNumber: event.data.orderNumber, status: event.data.status }, maxPayloadBytes);
  return { tracking, messages: [trackingMessage(tracking, maxPayloadBytes), admin], riders };
}
