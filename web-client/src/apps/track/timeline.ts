import type { DeliveryStatus, OrderTrackingMessage } from '@orderpulse/contracts';
import { ORDER_STATUS_LABELS } from '../shared/status-labels.js';
import type { OrderView } from './tracking-state.js';

export interface TimelineEntry {
  key: string;
  source: 'order' | 'delivery';
  status: string;
  title: string;
  detail?: string;
  at: string;
}

function deliveryTitle(status: DeliveryStatus, rider: string | undefined): string {
  const who = rider ?? 'the rider';
  switch (status) {
    case 'awaiting_assignment':
      return 'Waiting for a rider';
    case 'assigned':
      return rider ? `Rider assigned: ${rider}` : 'Rider assigned';
    case 'picked_up':
      return `Picked up by ${who}`;
    case 'in_transit':
      return `${rider ?? 'Your rider'} is on the way`;
    case 'delivered':
      return `Handed over by ${who}`;
    case 'failed':
      return 'Delivery attempt failed';
  }
}

/** Order and delivery history as one list, newest first. */
export function buildTimeline(order: OrderView | undefined, tracking: OrderTrackingMessage | undefined): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const [index, entry] of (order?.history ?? []).entries()) {
    entries.push({
      key: `order:${index}:${entry.status}`,
      source: 'order',
      status: entry.status,
      title: ORDER_STATUS_LABELS[entry.status],
      ...(entry.note ? { detail: entry.note } : {}),
      at: entry.at,
    });
  }
  for (const [index, entry] of (tracking?.history ?? []).entries()) {
    const detail = entry.status === 'failed' ? (tracking?.failureReason ?? entry.note) : entry.note;
    entries.push({
      key: `delivery:${tracking?.deliveryId ?? ''}:${index}:${entry.status}`,
      source: 'delivery',
      status: entry.status,
      title: deliveryTitle(entry.status, tracking?.rider?.name),
      ...(detail ? { detail } : {}),
      at: entry.at,
    });
  }
  // Stable: entries at the same time keep their order (order first, then delivery), reversed.
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => Date.parse(b.entry.at) - Date.parse(a.entry.at) || b.index - a.index)
    .map(({ entry }) => entry);
}
