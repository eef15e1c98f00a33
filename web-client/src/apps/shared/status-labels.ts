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

/** The happy path, in order; `cancelled` is shown instead of these steps. */
export const PROGRESS_STEPS: readonly OrderStatus[] = ['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];

/** A label for an order or delivery status; unknown values are shown as they are. */
export function statusLabel(status: string): string {
  if (status in ORDER_STATUS_LABELS) return ORDER_STATUS_LABELS[status as OrderStatus];
  if (status in DELIVERY_STATUS_LABELS) return DELIVERY_STATUS_LABELS[status as DeliveryStatus];
  return status;
}
