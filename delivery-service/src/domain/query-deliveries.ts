import type { DeliverySnapshot, DeliveryStatus } from '@orderpulse/contracts';
import { DeliveryNotFoundError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';

export const MAX_LIST_SIZE = 500;
export const DEFAULT_LIST_SIZE = 100;

export interface DeliveryFilter {
  orderId?: string;
  riderId?: string;
  status?: DeliveryStatus;
  limit?: number;
}

export async function getDelivery(deps: Pick<DeliveryUseCaseDeps, 'store'>, deliveryId: string): Promise<DeliverySnapshot> {
  const stored = await deps.store.deliveries.findById(deliveryId);
  if (!stored) throw new DeliveryNotFoundError(deliveryId);
  return stored.delivery;
}

/** Newest first. */
export function listDeliveries(deps: Pick<DeliveryUseCaseDeps, 'store'>, filter: DeliveryFilter): Promise<DeliverySnapshot[]> {
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIST_SIZE, 1), MAX_LIST_SIZE);
  return deps.store.deliveries.list({
    limit,
    ...(filter.orderId ? { orderId: filter.orderId } : {}),
    ...(filter.riderId ? { riderId: filter.riderId } : {}),
    ...(filter.status ? { statuses: [filter.status] } : {}),
  });
}
