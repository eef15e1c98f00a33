import type { OrderSnapshot } from '@orderpulse/contracts';
import { TrackingLookupFailedError } from './order-errors.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

export interface TrackingLookup {
  orderNumber: string;
  email: string;
}

/**
 * A customer proves they may track an order by knowing its number and their email address.
 * Unknown number and wrong email fail alike, so the answer reveals nothing.
 */
export async function lookUpTracking(deps: Pick<OrderUseCaseDeps, 'repository'>, lookup: TrackingLookup): Promise<OrderSnapshot> {
  const order = await deps.repository.findByOrderNumber(lookup.orderNumber);
  if (!order || order.customer.email.toLowerCase() !== lookup.email.toLowerCase()) throw new TrackingLookupFailedError();
  return order;
}
