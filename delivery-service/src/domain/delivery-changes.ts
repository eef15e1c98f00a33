import { estimateArrival, type DeliverySnapshot, type DeliveryStatus, type Eta, type Position, type Rider } from '@orderpulse/contracts';

/** Only a delivery on its way to the customer has an ETA. */
const ESTIMATED_WHILE: readonly DeliveryStatus[] = ['picked_up', 'in_transit'];

/** From the last position to the address, when both are known and the parcel is on its way; else null. */
export function etaFor(delivery: Pick<DeliverySnapshot, 'status' | 'address' | 'lastPosition'>, averageSpeedKmh: number): Eta | null {
  const { lat, lng } = delivery.address;
  if (!delivery.lastPosition || lat === undefined || lng === undefined || !ESTIMATED_WHILE.includes(delivery.status)) return null;
  return estimateArrival(delivery.lastPosition, { lat, lng }, averageSpeedKmh);
}

/** A position newer than the last one known replaces it; anything else keeps the last one. */
function newerPosition(current: Position | null, candidate: Position | undefined): Position | null {
  if (!candidate) return current;
  return !current || Date.parse(candidate.at) > Date.parse(current.at) ? candidate : current;
}

export interface StatusChange {
  status: DeliveryStatus;
  /** When it happened: the rider's report time, or the admin's request time. */
  at: string;
  note?: string;
  /** Why it failed; only for `failed`. */
  reason?: string;
  position?: Position;
  /** The rider report it came from; kept in the history entry so a repeat is recognised. */
  reportId?: string;
}

/** The delivery after a status change at the next version; the caller has checked the transition. */
export function withStatus(current: DeliverySnapshot, change: StatusChange, now: Date, averageSpeedKmh: number): DeliverySnapshot {
  const { status, at, note, position, reportId } = change;
  const entry = {
    status,
    at,
    ...(note !== undefined ? { note } : {}),
    ...(position ? { lat: position.lat, lng: position.lng } : {}),
    ...(reportId !== undefined ? { reportId } : {}),
  };
  const next: DeliverySnapshot = {
    ...current,
    status,
    history: [...current.history, entry],
    lastPosition: newerPosition(current.lastPosition, position),
    failureReason: status === 'failed' ? (change.reason ?? note ?? 'no reason given') : current.failureReason,
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  return withEtaAtPickup({ ...next, eta: etaFor(next, averageSpeedKmh) });
}

/**
 * Issue 18 point 5: the first ETA known once the parcel is on its way is kept as the ETA "at
 * pickup", which the punctuality statistics compare the arrival with.
 */
function withEtaAtPickup(next: DeliverySnapshot): DeliverySnapshot {
  if (next.etaAtPickup || !next.eta || !ESTIMATED_WHILE.includes(next.status)) return next;
  return { ...next, etaAtPickup: next.eta };
}

/** The delivery assigned (or reassigned) to `rider` at the next version. */
export function withRider(current: DeliverySnapshot, rider: Pick<Rider, 'id' | 'name'>, now: Date, note?: string): DeliverySnapshot {
  const at = now.toISOString();
  return {
    ...current,
    status: 'assigned',
    rider: { id: rider.id, name: rider.name },
    history: [...current.history, { status: 'assigned', at, ...(note !== undefined ? { note } : {}) }],
    version: current.version + 1,
    updatedAt: at,
  };
}

/** The delivery with the rider's new position and the ETA it gives, at the next version. */
export function withPosition(current: DeliverySnapshot, position: Position, now: Date, averageSpeedKmh: number): DeliverySnapshot {
  const next: DeliverySnapshot = { ...current, lastPosition: position, version: current.version + 1, updatedAt: now.toISOString() };
  return withEtaAtPickup({ ...next, eta: etaFor(next, averageSpeedKmh) });
}
