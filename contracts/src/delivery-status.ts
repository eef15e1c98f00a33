import { z } from 'zod';

export const DELIVERY_STATUSES = ['awaiting_assignment', 'assigned', 'picked_up', 'in_transit', 'delivered', 'failed'] as const;

export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** Statuses a rider reports from the road (assignment is an admin's act). */
export const RIDER_REPORTED_STATUSES = ['picked_up', 'in_transit', 'delivered', 'failed'] as const;
export const riderReportedStatusSchema = z.enum(RIDER_REPORTED_STATUSES);
export type RiderReportedStatus = z.infer<typeof riderReportedStatusSchema>;

const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  awaiting_assignment: ['assigned', 'failed'],
  assigned: ['picked_up', 'failed'],
  picked_up: ['in_transit', 'delivered', 'failed'],
  in_transit: ['delivered', 'failed'],
  delivered: [],
  failed: [],
};

export function allowedDeliveryTransitions(from: DeliveryStatus): readonly DeliveryStatus[] {
  return DELIVERY_TRANSITIONS[from];
}

export function canTransitionDelivery(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}

/** Deliveries a rider still has to work on. */
export function isOpenDeliveryStatus(status: DeliveryStatus): boolean {
  return status === 'assigned' || status === 'picked_up' || status === 'in_transit';
}
