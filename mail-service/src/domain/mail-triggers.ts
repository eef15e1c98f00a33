import { statusChangedKey } from '@orderpulse/contracts';
import type { MailKind } from './mail-kinds.js';

/** What the mail of each kind may say beyond the order: taken from the event that triggered it. */
export interface MailDetails {
  /** delivery.status_changed to failed: the reason the rider or dispatcher gave. */
  failureReason?: string;
  /** The rider's expected arrival, when the delivery had an ETA. */
  etaAt?: string;
  riderName?: string;
}

/** The fields of an event this service reads; any other field, and any other type, is left alone. */
export interface TriggeringEvent {
  type: string;
  data: unknown;
}

type Trigger = (data: Record<string, unknown>) => MailKind | null;

/**
 * Which mail each event type sends, by type string, so event types added to contracts later
 * (delivery.arriving, delivery.late) are handled as soon as they are published. `delivered`
 * comes from the order (orders-service follows the delivery), `failed` from the delivery (the
 * order has no such status).
 */
const TRIGGERS: Readonly<Record<string, Trigger>> = {
  'order.created': () => 'placed',
  'order.status_changed': (data) => (data.to === 'out_for_delivery' ? 'out_for_delivery' : data.to === 'delivered' ? 'delivered' : null),
  'delivery.status_changed': (data) => (data.status === 'failed' ? 'failed' : null),
  'delivery.arriving': () => 'arriving',
  'delivery.late': () => 'late',
};

/**
 * The routing keys of every event above that can send a mail, a status change by its status: the
 * queue binds these and nothing else, so the events that never send one (rider positions, other
 * statuses, assignments) are not delivered to this service at all.
 */
export const MAIL_ROUTING_KEYS: readonly string[] = [
  'order.created',
  statusChangedKey.order('out_for_delivery'),
  statusChangedKey.order('delivered'),
  statusChangedKey.delivery('failed'),
  'delivery.arriving',
  'delivery.late',
];

export function mailKindFor(event: TriggeringEvent): MailKind | null {
  const trigger = TRIGGERS[event.type];
  return trigger ? trigger(asRecord(event.data)) : null;
}

/** The details a delivery snapshot carries (every delivery.* event that sends a mail has one). */
export function mailDetailsOf(event: TriggeringEvent): MailDetails {
  const data = asRecord(event.data);
  const details: MailDetails = {};
  if (typeof data.failureReason === 'string' && data.failureReason) details.failureReason = data.failureReason.slice(0, 500);
  const eta = asRecord(data.eta);
  if (typeof eta.at === 'string') details.etaAt = eta.at;
  const rider = asRecord(data.rider);
  if (typeof rider.name === 'string' && rider.name) details.riderName = rider.name.slice(0, 100);
  return details;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
