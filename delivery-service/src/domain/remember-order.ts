import type { OrderSnapshot } from '@orderpulse/contracts';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';

/** Keeps what a delivery will need from an order (number, address, instructions and method) when it is created. Idempotent. */
export async function rememberOrder(deps: Pick<DeliveryUseCaseDeps, 'store' | 'logger'>, order: OrderSnapshot): Promise<void> {
  await deps.store.orders.remember({
    orderId: order.id,
    orderNumber: order.orderNumber,
    address: order.deliveryAddress,
    ...(order.deliveryInstructions ? { instructions: order.deliveryInstructions } : {}),
    ...(order.deliveryMethod ? { method: order.deliveryMethod } : {}),
    ...(order.deliveryWindow ? { deliveryWindow: order.deliveryWindow } : {}),
  });
  deps.logger.debug({ orderId: order.id, orderNumber: order.orderNumber }, 'order remembered for its delivery');
}
