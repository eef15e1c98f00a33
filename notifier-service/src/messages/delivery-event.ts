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
import { customerEta, customerHistoryEntry, customerLocation, DEFAULT_LOCATION_PRIVACY, endsTheRide, type LocationPrivacy } from './location-privacy.js';

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

/**
 * The retained tracking message a delivery snapshot gives; `version` is the delivery's. It is
 * the customer's: history without report ids or coordinates, the ETA rounded while far away.
 */
export function trackingOf(event: DeliverySnapshotEvent, privacy: LocationPrivacy = DEFAULT_LOCATION_PRIVACY): OrderTrackingMessage {
  const { id, status, rider, history, eta, failureReason, arrivingAt, proof, stopsBefore } = event.data;
  return orderTrackingMessageSchema.parse({
    orderId: event.orderId,
    deliveryId: id,
    status,
    ...(rider ? { rider } : {}),
    history: history.map(customerHistoryEntry),
    ...(eta ? { eta: customerEta(eta, privacy) } : {}),
    ...(failureReason ? { failureReason } : {}),
    ...(arrivingAt ? { arrivingAt } : {}),
    // The PIN is for the customer to read out; the count of wrong ones is not theirs. Instructions never go here.
    ...(proof
      ? {
          proof: {
            required: proof.required,
            ...(proof.pin ? { pin: proof.pin } : {}),
            ...(proof.lockedAt ? { lockedAt: proof.lockedAt } : {}),
            ...(proof.givenAt ? { givenAt: proof.givenAt } : {}),
            ...(proof.file ? { file: proof.file } : {}),
          },
        }
      : {}),
    ...(stopsBefore !== undefined && rider ? { stopsBefore } : {}),
    version: event.version,
  });
}

/** The position as the customer gets it (see location-privacy.ts): exact near the address, snapped to a grid further away. */
export function locationOf(event: DeliveryLocationUpdatedEvent, privacy: LocationPrivacy = DEFAULT_LOCATION_PRIVACY): OrderLocationMessage {
  const { lat, lng, heading, at, eta } = event.data;
  return orderLocationMessageSchema.parse(customerLocation({ lat, lng, heading, at }, event.version, eta, privacy));
}

/**
 * The last tracking message of the same delivery with the ETA the new position gives (none when
 * the position gives none: an ETA from an older position would mislead) and the new version.
 * Only when that message is the version just before the position's: after a gap, the missing
 * version may be a status change not yet published, and a tracking message carrying the
 * position's version would make it stale. Undefined when there is nothing safe to publish (the
 * position still goes out on the location topic, which has its own ETA).
 */
export function retrack(
  previous: OrderTrackingMessage | undefined,
  event: DeliveryLocationUpdatedEvent,
  privacy: LocationPrivacy = DEFAULT_LOCATION_PRIVACY,
): OrderTrackingMessage | undefined {
  if (!previous || previous.deliveryId !== event.data.deliveryId || previous.version !== event.version - 1) return undefined;
  const { eta: _olderEta, ...rest } = previous;
  return { ...rest, ...(event.data.eta ? { eta: customerEta(event.data.eta, privacy) } : {}), version: event.version };
}

/**
 * Whether a position may go to the customer: not once the notifier has published the end of
 * this delivery (a position redelivered or requeued after `delivered` or `failed`). Before
 * that, the event itself is the proof the rider is on the way: delivery-service makes positions
 * only for deliveries picked up and not yet ended (a status change still in flight here is no
 * reason to hold one back). A delivery the notifier has no tracking for is let through.
 */
export function mayShowPosition(previous: OrderTrackingMessage | undefined, event: DeliveryLocationUpdatedEvent): boolean {
  return !(previous && previous.deliveryId === event.data.deliveryId && endsTheRide(previous.status));
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

function locationMessage(event: DeliveryLocationUpdatedEvent, privacy: LocationPrivacy): MqttMessage {
  return { kind: 'order-location', topic: topics.orderLocation(event.orderId), payload: JSON.stringify(locationOf(event, privacy)), retain: true };
}

/** The signal's freshness (freshness/rider-signals.ts) goes with the position. */
export function clearedSignalMessage(orderId: string): MqttMessage {
  return { kind: 'order-signal', topic: topics.orderSignal(orderId), payload: '', retain: true };
}

/** An empty retained message removes the retained position: a late subscriber gets none. */
export function clearedLocationMessage(orderId: string): MqttMessage {
  return { kind: 'order-location', topic: topics.orderLocation(orderId), payload: '', retain: true };
}

/**
 * Everything one delivery event becomes on MQTT. `previous` is the last tracking message the
 * notifier published for the event's order, if it still has it.
 */
export function messagesForDeliveryEvent(
  event: DeliveryEvent,
  previous: OrderTrackingMessage | undefined,
  maxPayloadBytes: number,
  privacy: LocationPrivacy = DEFAULT_LOCATION_PRIVACY,
): DeliveryEventMessages {
  const riders = ridersToRefresh(event, previous);
  if (event.type === 'delivery.location_updated') {
    const admin = adminFeedMessage(event, {}, maxPayloadBytes);
    if (!mayShowPosition(previous, event)) return { messages: [admin], riders };
    const tracking = retrack(previous, event, privacy);
    const messages = [locationMessage(event, privacy), admin];
    if (!tracking) return { messages, riders };
    return { tracking, messages: [trackingMessage(tracking, maxPayloadBytes), ...messages], riders };
  }
  const tracking = trackingOf(event, privacy);
  const admin = adminFeedMessage(event, { orderNumber: event.data.orderNumber, status: event.data.status }, maxPayloadBytes);
  const cleared = endsTheRide(event.data.status) ? [clearedLocationMessage(event.orderId), clearedSignalMessage(event.orderId)] : [];
  return { tracking, messages: [trackingMessage(tracking, maxPayloadBytes), ...cleared, admin], riders };
}
