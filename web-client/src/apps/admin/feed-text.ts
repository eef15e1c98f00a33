import type { AdminFeedMessage } from '@orderpulse/contracts';
import { formatDistance } from '../shared/relative-time.js';
import { statusLabel } from '../shared/status-labels.js';

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * One line for the live feed, from any entry on `admin/orders`. Position updates carry no order
 * number; `orderNumberOf` looks it up among the orders the console knows.
 */
export function describeFeedEntry(entry: AdminFeedMessage, orderNumberOf: (orderId: string) => string | undefined = () => undefined): string {
  const data = asRecord(entry.data);
  const order = entry.orderNumber ?? text(data.orderNumber) ?? orderNumberOf(entry.orderId) ?? `order ${entry.orderId.slice(0, 8)}`;
  switch (entry.type) {
    case 'order.created':
      return `New order ${order}`;
    case 'order.status_changed': {
      const from = text(data.from);
      const to = text(data.to) ?? entry.status;
      return `${order}: ${from ? `${statusLabel(from)} → ` : ''}${to ? statusLabel(to) : 'status changed'}`;
    }
    case 'delivery.created':
      return `${order}: delivery created, waiting for a rider`;
    case 'delivery.assigned':
      return `${order}: assigned to ${text(asRecord(data.rider).name) ?? 'a rider'}`;
    case 'delivery.status_changed':
      return `${order}: delivery ${entry.status ? statusLabel(entry.status).toLowerCase() : 'changed'}`;
    case 'delivery.arriving':
      return `${order}: ${text(asRecord(data.rider).name) ?? 'the rider'} is arriving (near the address)`;
    case 'delivery.proof_updated': {
      const proof = asRecord(data.proof);
      const file = asRecord(proof.file);
      if (text(file.kind) && text(proof.givenAt)) return `${order}: ${text(file.kind)} of the handover stored`;
      if (text(proof.givenAt)) return `${order}: PIN entered by the rider`;
      if (text(proof.lockedAt)) return `${order}: PIN locked after ${String(proof.failedPinAttempts)} wrong ones`;
      const wrong = proof.failedPinAttempts;
      return typeof wrong === 'number' && wrong > 0 ? `${order}: wrong PIN entered (${wrong})` : `${order}: PIN unlocked`;
    }
    case 'delivery.location_updated': {
      const distanceKm = asRecord(data.eta).distanceKm;
      return typeof distanceKm === 'number' ? `${order}: rider ${formatDistance(distanceKm)} from the address` : `${order}: rider moved`;
    }
    // Issue 18 point 5.
    case 'delivery.late':
      return `${order}: running late (promised by ${text(asRecord(data.promisedWindow).end)?.slice(11, 16) ?? '?'} UTC)`;
    // Issue 18 point 6.
    case 'delivery.stops_changed': {
      const before = asRecord(data).stopsBefore;
      return `${order}: ${before === 0 ? 'next stop' : typeof before === 'number' ? `${before} stop${before === 1 ? '' : 's'} before it` : 'stop order changed'}`;
    }
    default:
      return `${order}: ${entry.type}${entry.status ? ` (${statusLabel(entry.status)})` : ''}`;
  }
}

/** Position updates come every second while a rider moves; the feed keeps only the latest. */
export function replacesPrevious(previous: AdminFeedMessage | undefined, next: AdminFeedMessage): boolean {
  return previous?.type === 'delivery.location_updated' && next.type === 'delivery.location_updated' && previous.orderId === next.orderId;
}
