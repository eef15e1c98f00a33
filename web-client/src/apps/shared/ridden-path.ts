import type { LatLng } from '@orderpulse/contracts';
import { svg } from './dom.js';

const SIZE = 240;
const MARGIN = 16;

/**
 * The ridden path drawn without tiles: every kept point (faint), the part ridden so far (solid),
 * the rider and the address, fitted to the box (north up, equirectangular: fine for a city).
 */
export function drawReplayPath(all: readonly LatLng[], reached: readonly LatLng[], destination: LatLng | null, description: string): SVGSVGElement {
  const everything = destination ? [...all, destination] : [...all];
  const lats = everything.map((p) => p.lat);
  const lngs = everything.map((p) => p.lng);
  const midLat = ((Math.min(...lats) + Math.max(...lats)) / 2) * (Math.PI / 180);
  const spanX = Math.max((Math.max(...lngs) - Math.min(...lngs)) * Math.cos(midLat), 1e-6);
  const spanY = Math.max(Math.max(...lats) - Math.min(...lats), 1e-6);
  const scale = (SIZE - 2 * MARGIN) / Math.max(spanX, spanY);
  const x = (p: LatLng) => (MARGIN + (p.lng - Math.min(...lngs)) * Math.cos(midLat) * scale).toFixed(1);
  const y = (p: LatLng) => (SIZE - MARGIN - (p.lat - Math.min(...lats)) * scale).toFixed(1);
  const line = (points: readonly LatLng[]) => points.map((p) => `${x(p)},${y(p)}`).join(' ');
  const rider = reached.at(-1);
  return svg(
    'svg',
    { viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'img', 'aria-label': description, class: 'replay-svg' },
    svg('title', {}, description),
    all.length > 1 ? svg('polyline', { class: 'replay-planned', points: line(all) }) : null,
    reached.length > 1 ? svg('polyline', { class: 'replay-ridden', points: line(reached) }) : null,
    destination ? svg('circle', { class: 'replay-home', cx: x(destination), cy: y(destination), r: 6 }) : null,
    rider ? svg('circle', { class: 'replay-rider', cx: x(rider), cy: y(rider), r: 7 }) : null,
  );
}
