import type { LatLng } from '@orderpulse/contracts';

export interface Offset {
  /** Kilometres east (negative: west) of the origin. */
  east: number;
  /** Kilometres north (negative: south) of the origin. */
  north: number;
}

const KM_PER_DEGREE_LAT = 110.574;
const KM_PER_DEGREE_LNG_AT_EQUATOR = 111.32;

/** A flat projection around `origin`; good to well under 1% over a city. */
export function offsetKm(origin: LatLng, point: LatLng): Offset {
  const east = (point.lng - origin.lng) * KM_PER_DEGREE_LNG_AT_EQUATOR * Math.cos((origin.lat * Math.PI) / 180);
  const north = (point.lat - origin.lat) * KM_PER_DEGREE_LAT;
  return { east, north };
}

const NICE_RADII = [0.25, 0.5, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 20000];

/** The smallest round radius that holds `km`. */
export function niceRadiusKm(km: number): number {
  return NICE_RADII.find((r) => r >= km) ?? km;
}

const DIRECTIONS = ['north', 'north-east', 'east', 'south-east', 'south', 'south-west', 'west', 'north-west'];

/** "north-east" for a point up and to the right. */
export function compassDirection({ east, north }: Offset): string {
  const degrees = ((Math.atan2(east, north) * 180) / Math.PI + 360) % 360;
  return DIRECTIONS[Math.round(degrees / 45) % 8] ?? 'north';
}

export interface PlotLayout {
  size: number;
  center: number;
  radiusKm: number;
  /** Rings drawn at these distances, with the SVG radius of each. */
  rings: Array<{ km: number; r: number }>;
  rider: { x: number; y: number };
  trail: Array<{ x: number; y: number }>;
  offset: Offset;
}

/**
 * Where to draw the rider (and the trail) in a square SVG of `size` with the destination in
 * the middle, north up: scaled so the farthest point sits inside the outer ring.
 */
export function layoutPlot(destination: LatLng, rider: LatLng, trail: readonly LatLng[], size = 240, margin = 22): PlotLayout {
  const center = size / 2;
  const offset = offsetKm(destination, rider);
  const trailOffsets = trail.map((p) => offsetKm(destination, p));
  const farthest = Math.max(...[offset, ...trailOffsets].map((o) => Math.hypot(o.east, o.north)), 0.1);
  const radiusKm = niceRadiusKm(farthest);
  const scale = (center - margin) / radiusKm;
  const toSvg = (o: Offset) => ({ x: round(center + o.east * scale), y: round(center - o.north * scale) });
  return {
    size,
    center,
    radiusKm,
    rings: [radiusKm / 2, radiusKm].map((km) => ({ km, r: round(km * scale) })),
    rider: toSvg(offset),
    trail: trailOffsets.map(toSvg),
    offset,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
