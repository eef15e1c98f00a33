import type { DeliveryStatus, OrderStatus } from '@orderpulse/contracts';

export const ORDER_STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending: 'Order placed',
  confirmed: 'Confirmed',
  processing: 'Being prepared',
  shipped: 'Shipped',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export const DELIVERY_STATUS_LABELS: Readonly<Record<DeliveryStatus, string>> = {
  awaiting_assignment: 'Waiting for a rider',
  assigned: 'Rider assigned',
  picked_up: 'Picked up',
  in_transit: 'On the way',
  delivered: 'Delivered',
  failed: 'Delivery failed',
};

/** While a parcel is on its way: shown once the rider has come within the arrival radius (arrivingAt). */
export const ARRIVING_LABEL = 'Arriving';
const ARRIVING_WHILE: ReadonlySet<DeliveryStatus> = new Set(['picked_up', 'in_transit']);

/** The label for a delivery: "Arriving" once the rider is near and the parcel not yet handed over, else its status. */
export function deliveryLabel(delivery: { status: DeliveryStatus; arrivingAt?: string | undefined }): string {
  return delivery.arrivingAt && ARRIVING_WHILE.has(delivery.status) ? ARRIVING_LABEL : DELIVERY_STATUS_LABELS[delivery.status];
}

/** The happy path, in order; `cancelled` is shown instead of these steps. */
export const PROGRESS_STEPS: readonly OrderStatus[] = ['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];

/** A label for an order or delivery status; unknown values are shown as they are. */
export function statusLabel(status: string): string {
  if (status in ORDER_STATUS_LABELS) return ORDER_STATUS_LABELS[status as OrderStatus];
  if (status in DELIVERY_STATUS_LABELS) return DELIVERY_STATUS_LABELS[status as DeliveryStatus];
  return status;
}
