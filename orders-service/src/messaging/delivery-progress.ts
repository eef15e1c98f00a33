import type { DeliveryStatus, DeliveryStatusChangedEvent, OrderStatus } from '@orderpulse/contracts';
import { changeOrderStatus } from '../domain/change-order-status.js';
import { ConcurrentUpdateError, InvalidTransitionError } from '../domain/order-errors.js';
import type { OrderUseCaseDeps } from '../domain/order-use-case-deps.js';

/** What a delivery status means for its order; other delivery statuses leave the order alone. */
const ORDER_STATUS_FOR: Partial<Record<DeliveryStatus, OrderStatus>> = {
  picked_up: 'out_for_delivery',
  delivered: 'delivered',
};

/** The delivery statuses the consumer binds (delivery-events-consumer.ts); the rest never reach it. */
export const STATUSES_THAT_MOVE_AN_ORDER = Object.keys(ORDER_STATUS_FOR) as DeliveryStatus[];

/** The order machine's only path once an order has shipped. */
const DELIVERY_PATH: readonly OrderStatus[] = ['shipped', 'out_for_delivery', 'delivered'];

export type DeliveryProgressOutcome = 'applied' | 'already-applied' | 'not-relevant' | 'refused';

/** Enough for two steps, each of which may lose a race with an admin's change once. */
const MAX_ROUNDS = 6;

/**
 * Moves an order along when its delivery is picked up or delivered. Idempotent and safe against
 * reordering without storing the delivery's version: both machines only move forward, so an
 * event whose target is at or behind the order's position on shipped → out_for_delivery →
 * delivered is a duplicate or older than one already applied, and is ignored; an event ahead of
 * it walks the path one step at a time (a `delivered` that overtook its `picked_up` still gives
 * the order both steps). An order that is not on that path (unknown, cancelled, not shipped) is
 * refused: logged and acknowledged, never retried.
 */
export async function applyDeliveryProgress(deps: OrderUseCaseDeps, event: DeliveryStatusChangedEvent): Promise<DeliveryProgressOutcome> {
  const { repository, logger } = deps;
  const delivery = event.data;
  const ids = { orderId: event.orderId, deliveryId: delivery.id, eventId: event.id, deliveryVersion: event.version, deliveryStatus: delivery.status };
  const target = ORDER_STATUS_FOR[delivery.status];
  if (!target) {
    logger.debug(ids, 'delivery status does not move the order');
    return 'not-relevant';
  }
  let stepped = false;
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const order = await repository.findOrder(event.orderId);
    if (!order) {
      logger.warn({ ...ids, reason: 'unknown order' }, 'delivery event refused');
      return 'refused';
    }
    const position = DELIVERY_PATH.indexOf(order.status);
    if (position === -1) {
      logger.warn({ ...ids, reason: `order is ${order.status}, not on its way` }, 'delivery event refused');
      return 'refused';
    }
    if (position >= DELIVERY_PATH.indexOf(target)) {
      if (!stepped) logger.info({ ...ids, orderStatus: order.status }, 'delivery event already applied (duplicate or older); ignored');
      return stepped ? 'applied' : 'already-applied';
    }
    const next = DELIVERY_PATH[position + 1] as OrderStatus;
    try {
      await changeOrderStatus(deps, { orderId: event.orderId, status: next, note: noteFor(next, delivery.rider?.name) });
      logger.info({ ...ids, orderStatus: next }, 'order moved along by its delivery');
      stepped = true;
    } catch (err) {
      // Someone else moved the order meanwhile: read it again and decide afresh.
      if (!(err instanceof InvalidTransitionError || err instanceof ConcurrentUpdateError)) throw err;
    }
  }
  throw new Error(`order ${event.orderId} kept changing while applying delivery ${delivery.id}; will retry`);
}

function noteFor(status: OrderStatus, riderName: string | undefined): string {
  const by = riderName ? ` by ${riderName}` : '';
  return status === 'delivered' ? `Delivered${by}` : `Picked up${by}`;
}
