const EARTH_RADIUS_KM = 6371.0088;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

export interface LatLng {
  lat: number;
  lng: number;
}

/** Great-circle (haversine) distance in kilometres. */
export function greatCircleKm(a: LatLng, b: LatLng): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface EtaEstimate {
  at: string;
  minutes: number;
  distanceKm: number;
  basedOnPositionAt: string;
}

/** Distance from the rider's last position to the address over an average speed. */
export function estimateArrival(position: LatLng & { at: string }, destination: LatLng, averageSpeedKmh: number): EtaEstimate {
  const distanceKm = greatCircleKm(position, destination);
  const minutes = (distanceKm / averageSpeedKmh) * 60;
  const at = new Date(Date.parse(position.at) + Math.round(minutes * 60) * 1000).toISOString();
  return { at, minutes: Math.round(minutes * 10) / 10, distanceKm: Math.round(distanceKm * 1000) / 1000, basedOnPositionAt: position.at };
}
