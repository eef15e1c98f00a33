import { randomUUID } from 'node:crypto';
import type { DeliveryProof, DeliverySnapshot } from '@orderpulse/contracts';
import { DuplicateDeliveryError, type KnownOrder } from '../data-access/delivery-store.js';
import { OrderNotKnownError } from './delivery-errors.js';
import { snapshotEvent } from './delivery-events.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { newProof, requiredProof } from './proof-of-delivery.js';

export interface ShippedOrder {
  orderId: string;
  orderNumber: string;
}

export interface DeliveryCreation {
  delivery: DeliverySnapshot;
  /** False when the order already had its delivery (a redelivered or duplicate event). */
  created: boolean;
}

/**
 * One delivery per order, created when the order ships: awaiting assignment at version 1, stored
 * with its delivery.created event in one insert. A repeat finds the existing delivery and
 * writes nothing; two racing creations are settled by the store's unique order id.
 */
export async function createDeliveryForOrder(deps: DeliveryUseCaseDeps, shipped: ShippedOrder): Promise<DeliveryCreation> {
  const { store, outbox, clock, logger } = deps;
  const existing = await store.deliveries.findByOrderId(shipped.orderId);
  if (existing) return { delivery: existing, created: false };
  const order = await store.orders.find(shipped.orderId);
  if (!order) throw new OrderNotKnownError(shipped.orderId);

  const delivery = newDelivery(order, shipped.orderNumber, clock(), newProof(requiredProof(deps.proofPolicy.shopProof, order.method)));
  const created = snapshotEvent('delivery.created', delivery);
  try {
    await store.deliveries.insert(delivery, created);
  } catch (err) {
    if (!(err instanceof DuplicateDeliveryError)) throw err;
    const winner = await store.deliveries.findByOrderId(shipped.orderId);
    if (!winner) throw err;
    return { delivery: winner, created: false };
  }
  logger.info({ deliveryId: delivery.id, orderId: delivery.orderId, eventId: created.id, version: 1 }, 'delivery created');
  outbox.kick(delivery.id);
  return { delivery, created: true };
}

function newDelivery(order: KnownOrder, orderNumber: string, now: Date, proof: DeliveryProof): DeliverySnapshot {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    orderId: order.orderId,
    orderNumber,
    status: 'awaiting_assignment',
    rider: null,
    address: order.address,
    history: [{ status: 'awaiting_assignment', at }],
    lastPosition: null,
    eta: null,
    failureReason: null,
    ...(order.instructions ? { instructions: order.instructions } : {}),
    ...(order.method ? { method: order.method } : {}),
    proof,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...(order.deliveryWindow ? { promisedWindow: order.deliveryWindow } : {}),
  };
}
