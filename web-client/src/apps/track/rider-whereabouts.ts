import type { LatLng } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';
import { createMapPanel } from '../shared/map-panel.js';
import type { MapMarker, MapSettings } from '../shared/map-scene.js';
import { formatDistance } from '../shared/relative-time.js';
import { compassDirection, offsetKm } from './plot-geometry.js';
import { createPositionPlot } from './position-plot.js';
import type { TrackingState } from './tracking-state.js';

const ON_THE_WAY = new Set(['assigned', 'picked_up', 'in_transit']);

/** "The rider is 978 m north-east of the delivery address." with the page's one distance. */
export function whereaboutsSentence(rider: LatLng, destination: LatLng, distanceKm: number): string {
  return `The rider is ${formatDistance(distanceKm)} ${compassDirection(offsetKm(destination, rider))} of the delivery address.`;
}

/**
 * Where the rider is: a live map (rider, address, the way so far) when a tile source is
 * configured, else the offline plot; a sentence under either says it in words.
 */
export function createRiderWhereabouts(map: MapSettings | null): { element: HTMLElement; render(state: TrackingState): void } {
  const caption = el('p', { class: 'muted small whereabouts-text', 'data-testid': 'rider-whereabouts' });
  const plot = map ? undefined : createPositionPlot();
  const panel = map ? createMapPanel(map, { label: 'Map of the rider and the delivery address', testId: 'delivery-map' }) : undefined;
  const element = el('div', { class: 'whereabouts' }, plot?.element, panel?.element, caption);

  return {
    element,
    render(state) {
      const rider = state.tracking && ON_THE_WAY.has(state.tracking.status) ? state.location : undefined;
      const destination = state.destination;
      const distanceKm = state.distanceKm;
      caption.hidden = !rider || !destination || distanceKm === undefined;
      if (rider && destination && distanceKm !== undefined) {
        const approximate =
          rider.approximateMeters !== undefined
            ? ` Approximate position (within ${formatDistance(rider.approximateMeters / 1000)}) until the rider is close.`
            : '';
        setText(caption, whereaboutsSentence(rider, destination, distanceKm) + approximate);
      }
      if (plot) {
        plot.render({ destination, rider, trail: state.trail, description: caption.textContent ?? '' });
        return;
      }
      const markers: MapMarker[] = [];
      if (destination) markers.push({ id: 'destination', kind: 'destination', label: 'Delivery address', lat: destination.lat, lng: destination.lng });
      if (rider) markers.push({ id: 'rider', kind: 'rider', label: state.tracking?.rider?.name ?? 'Your rider', lat: rider.lat, lng: rider.lng });
      panel?.show({ markers, path: rider ? [...state.trail, { lat: rider.lat, lng: rider.lng }] : [] });
    },
  };
}
