import type { OrderSnapshot } from '@orderpulse/contracts';
import { OrderNotFoundError } from './order-errors.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

export async function getOrder(deps: Pick<OrderUseCaseDeps, 'repository'>, orderId: string): Promise<OrderSnapshot> {
  const order = await deps.repository.findOrder(orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return order;
}
