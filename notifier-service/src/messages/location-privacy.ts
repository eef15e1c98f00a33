import type { DeliveryHistoryEntry, DeliveryStatus, Eta, OrderLocationMessage } from '@orderpulse/contracts';

/**
 * What a customer may learn of where their rider is, decided here, before anything reaches the
 * broker: the page is not trusted to hide what it was sent. Admins get exact positions from the
 * admin feed (`admin/orders`), which carries the events as they are.
 */
export interface LocationPrivacy {
  /** Far from the address, a position is snapped to a grid of this many metres (LOCATION_COARSE_METERS). */
  coarseMeters: number;
  /** Within this distance of the address (the ETA's distance) the exact position is sent (LOCATION_EXACT_WITHIN_KM). */
  exactWithinKm: number;
}

export const DEFAULT_LOCATION_PRIVACY: LocationPrivacy = { coarseMeters: 500, exactWithinKm: 2 };

/** A customer sees the rider's position only between pick-up and the end of the delivery. */
const ON_THE_WAY: ReadonlySet<DeliveryStatus> = new Set(['picked_up', 'in_transit']);

export function isOnTheWay(status: DeliveryStatus): boolean {
  return ON_THE_WAY.has(status);
}

/** After these the retained position is cleared and no position goes out again. */
export function endsTheRide(status: DeliveryStatus): boolean {
  return status === 'delivered' || status === 'failed';
}

const METRES_PER_DEGREE_LAT = 111_320;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** The centre of the grid cell of `metres` holding the point: every point of a cell gives the same answer. */
export function snapToGrid(lat: number, lng: number, metres: number): { lat: number; lng: number } {
  const latStep = metres / METRES_PER_DEGREE_LAT;
  const snappedLat = Math.max(-90, Math.min(90, Math.round(lat / latStep) * latStep));
  // The longitude step widens towards the poles so a cell stays about `metres` wide.
  const lngStep = metres / (METRES_PER_DEGREE_LAT * Math.max(Math.cos((snappedLat * Math.PI) / 180), 0.01));
  const snappedLng = Math.max(-180, Math.min(180, Math.round(lng / lngStep) * lngStep));
  return { lat: round6(snappedLat), lng: round6(snappedLng) };
}

/** Exact only when the ETA says the rider is close; no ETA (an address without coordinates): never. */
export function isNear(eta: Eta | undefined, privacy: LocationPrivacy): boolean {
  return eta !== undefined && eta.distanceKm <= privacy.exactWithinKm;
}

/**
 * The ETA a customer gets: as it is when the rider is close; far away its distance is rounded to
 * the grid and its times to the minute, so distance and time cannot undo the snapping.
 */
export function customerEta(eta: Eta, privacy: LocationPrivacy): Eta {
  if (isNear(eta, privacy)) return eta;
  const stepKm = privacy.coarseMeters / 1000;
  const minute = 60_000;
  return {
    at: new Date(Math.round(Date.parse(eta.at) / minute) * minute).toISOString(),
    minutes: Math.round(eta.minutes),
    distanceKm: Math.round(Math.round(eta.distanceKm / stepKm) * stepKm * 1000) / 1000,
    basedOnPositionAt: eta.basedOnPositionAt,
  };
}

/** The position as a customer gets it: exact near the address, else snapped, without heading, and saying how approximate it is. */
export function customerLocation(
  position: { lat: number; lng: number; heading?: number | undefined; at: string },
  version: number,
  eta: Eta | undefined,
  privacy: LocationPrivacy,
): OrderLocationMessage {
  if (isNear(eta, privacy)) {
    const { lat, lng, heading, at } = position;
    return { lat, lng, ...(heading !== undefined ? { heading } : {}), at, version, ...(eta ? { eta } : {}) };
  }
  return {
    ...snapToGrid(position.lat, position.lng, privacy.coarseMeters),
    at: position.at,
    version,
    ...(eta ? { eta: customerEta(eta, privacy) } : {}),
    approximateMeters: privacy.coarseMeters,
  };
}

/**
 * A history entry as a customer gets it: no rider report id (internal) and no coordinates (a
 * report's position is the rider's, and positions reach customers only through the rules above).
 */
export function customerHistoryEntry(entry: DeliveryHistoryEntry): DeliveryHistoryEntry {
  const { reportId: _reportId, lat: _lat, lng: _lng, ...rest } = entry;
  return rest;
}
