import type { OrderStatus } from '@orderpulse/contracts';

export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending: 'Order placed',
  confirmed: 'Confirmed',
  processing: 'Being prepared',
  shipped: 'Shipped',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

/** The happy path, in order; `cancelled` is shown instead of these steps. */
export const PROGRESS_STEPS: readonly OrderStatus[] = ['pending', 'confirmed', 'processing', 'shipped', 'out_for_delivery', 'delivered'];
