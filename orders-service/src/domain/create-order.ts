import { randomUUID } from 'node:crypto';
import type { Address, Customer, DeliveryMethod, OrderItem, OrderSnapshot } from '@orderpulse/contracts';
import { DuplicateOrderNumberError } from '../data-access/order-repository.js';
import { orderCreatedEvent } from './order-events.js';
import { generateOrderNumber } from './order-number.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

export interface NewOrder {
  customer: Customer;
  items: OrderItem[];
  deliveryAddress: Address;
  deliveryInstructions?: string | undefined;
  deliveryMethod?: DeliveryMethod | undefined;
}

const ORDER_NUMBER_ATTEMPTS = 5;

/**
 * A new order starts `pending` at version 1. It is stored together with its order.created
 * event in one insert; the relay is then nudged to publish that event.
 */
export async function createOrder(deps: OrderUseCaseDeps, input: NewOrder): Promise<OrderSnapshot> {
  const { repository, outbox, clock, logger } = deps;
  for (let attempt = 1; ; attempt += 1) {
    const order = newPendingOrder(input, clock());
    const created = orderCreatedEvent(order);
    try {
      await repository.insert(order, created);
    } catch (err) {
      if (err instanceof DuplicateOrderNumberError && attempt < ORDER_NUMBER_ATTEMPTS) continue;
      throw err;
    }
    logger.info({ orderId: order.id, orderNumber: order.orderNumber, eventId: created.id, version: order.version }, 'order created');
    outbox.kick(order.id);
    return order;
  }
}

function newPendingOrder(input: NewOrder, now: Date): OrderSnapshot {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    orderNumber: generateOrderNumber(),
    customer: input.customer,
    items: input.items,
    deliveryAddress: input.deliveryAddress,
    ...(input.deliveryInstructions ? { deliveryInstructions: input.deliveryInstructions } : {}),
    ...(input.deliveryMethod ? { deliveryMethod: input.deliveryMethod } : {}),
    status: 'pending',
    trackingNumber: null,
    history: [{ status: 'pending', at }],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}
