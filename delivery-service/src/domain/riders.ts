import { randomBytes } from 'node:crypto';
import { DELIVERY_STATUSES, isOpenDeliveryStatus, type Rider, type RiderAssignmentsMessage } from '@orderpulse/contracts';
import { DuplicateRiderError } from '../data-access/delivery-store.js';
import { RiderAlreadyExistsError, RiderNotFoundError } from './delivery-errors.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { inStopOrder } from './rider-stops.js';

export interface NewRider {
  id?: string;
  name: string;
  phone?: string;
}

const OPEN = DELIVERY_STATUSES.filter(isOpenDeliveryStatus);
/** A bound on one rider's open work, far above what anyone carries. */
const MAX_OPEN = 200;

export async function registerRider(deps: Pick<DeliveryUseCaseDeps, 'store' | 'clock' | 'logger'>, input: NewRider): Promise<Rider> {
  const rider: Rider = {
    id: input.id ?? `r-${randomBytes(5).toString('hex')}`,
    name: input.name,
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
    createdAt: deps.clock().toISOString(),
  };
  try {
    await deps.store.riders.insert(rider);
  } catch (err) {
    if (err instanceof DuplicateRiderError) throw new RiderAlreadyExistsError(rider.id);
    throw err;
  }
  deps.logger.info({ riderId: rider.id }, 'rider registered');
  return rider;
}

export async function getRider(deps: Pick<DeliveryUseCaseDeps, 'store'>, riderId: string): Promise<Rider> {
  const rider = await deps.store.riders.findById(riderId);
  if (!rider) throw new RiderNotFoundError(riderId);
  return rider;
}

/** The rider's open deliveries in stop order (issue 18 point 6; oldest first before that): what the rider app shows and the notifier retains. */
export async function riderAssignments(deps: Pick<DeliveryUseCaseDeps, 'store' | 'clock'>, riderId: string): Promise<RiderAssignmentsMessage> {
  await getRider(deps, riderId);
  const open = await deps.store.deliveries.list({ riderId, statuses: OPEN, limit: MAX_OPEN });
  return {
    riderId,
    deliveries: inStopOrder([...open].reverse()).map((d) => ({
      deliveryId: d.id,
      orderId: d.orderId,
      orderNumber: d.orderNumber,
      status: d.status,
      address: d.address,
      ...(d.instructions ? { instructions: d.instructions } : {}),
      ...(d.method ? { method: d.method } : {}),
      ...(d.proof ? { proof: { required: d.proof.required, given: d.proof.givenAt !== undefined, locked: d.proof.lockedAt !== undefined } } : {}),
    })),
    updatedAt: deps.clock().toISOString(),
  };
}
