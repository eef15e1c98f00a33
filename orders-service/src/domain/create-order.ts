import { randomUUID } from 'node:crypto';
import type { Address, Customer, DeliveryMethod, DeliveryWindow, OrderItem, OrderSnapshot } from '@orderpulse/contracts';
import { DuplicateOrderNumberError } from '../data-access/order-repository.js';
import { InvalidDeliveryWindowError } from './order-errors.js';
import { orderCreatedEvent } from './order-events.js';
import { generateOrderNumber } from './order-number.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

export interface NewOrder {
  customer: Customer;
  items: OrderItem[];
  deliveryAddress: Address;
  deliveryInstructions?: string | undefined;
  deliveryMethod?: DeliveryMethod | undefined;
  /** The promised delivery window; absent: from now, `defaultDeliveryWindowMinutes` long. */
  deliveryWindow?: DeliveryWindow;
}

// Issue 18 point 5: the promised delivery window and its bounds.
export const DEFAULT_DELIVERY_WINDOW_MINUTES = 120;
/** A window may start at most this far ahead of the order. */
export const MAX_WINDOW_LEAD_DAYS = 30;
/** and last at most this long. */
export const MAX_WINDOW_LENGTH_HOURS = 7 * 24;

/** The window the order promises: the one asked for (checked against the clock), or the default one from now. */
export function promisedWindow(asked: DeliveryWindow | undefined, now: Date, defaultMinutes = DEFAULT_DELIVERY_WINDOW_MINUTES): DeliveryWindow {
  if (!asked) return { start: now.toISOString(), end: new Date(now.getTime() + defaultMinutes * 60_000).toISOString() };
  const start = Date.parse(asked.start);
  const end = Date.parse(asked.end);
  if (end <= start) throw new InvalidDeliveryWindowError('the window must end after it starts');
  if (end <= now.getTime()) throw new InvalidDeliveryWindowError('the window has already ended');
  if (start > now.getTime() + MAX_WINDOW_LEAD_DAYS * 86_400_000)
    throw new InvalidDeliveryWindowError(`the window may start at most ${MAX_WINDOW_LEAD_DAYS} days ahead`);
  if (end - start > MAX_WINDOW_LENGTH_HOURS * 3_600_000) throw new InvalidDeliveryWindowError(`the window may last at most ${MAX_WINDOW_LENGTH_HOURS} hours`);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

const ORDER_NUMBER_ATTEMPTS = 5;

/**
 * A new order starts `pending` at version 1. It is stored together with its order.created
 * event in one insert; the relay is then nudged to publish that event.
 */
export async function createOrder(deps: OrderUseCaseDeps, input: NewOrder): Promise<OrderSnapshot> {
  const { repository, outbox, clock, logger } = deps;
  const now = clock();
  const window = promisedWindow(input.deliveryWindow, now, deps.defaultDeliveryWindowMinutes);
  for (let attempt = 1; ; attempt += 1) {
    const order = newPendingOrder(input, attempt === 1 ? now : clock(), window);
    const created = orderCreatedEvent(order);
    try {
      await repository.insert(order, created);
    } catch (err) {
      if (err instanceof DuplicateOrderNumberError && attempt < ORDER_NUMBER_ATTEMPTS) continue;
      throw err;
    }
    logger.info({ orderId: order.id, orderNumber: order.orderNumber, eventId: created.id, version: order.version, windowEnd: window.end }, 'order created');
    outbox.kick(order.id);
    return order;
  }
}

function newPendingOrder(input: NewOrder, now: Date, deliveryWindow: DeliveryWindow): OrderSnapshot {
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
    deliveryWindow,
  };
}
