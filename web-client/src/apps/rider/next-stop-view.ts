import { greatCircleKm, type LatLng } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';
import { createMapPanel } from '../shared/map-panel.js';
import type { MapMarker, MapSettings } from '../shared/map-scene.js';
import { formatDistance } from '../shared/relative-time.js';
import type { Assignment } from './delivery-card.js';

export interface NextStop {
  delivery: Assignment;
  position: LatLng | undefined;
}

/** The next address: a map of it and the rider (when a tile source is configured) and a line of text. */
export function createNextStopView(map: MapSettings | null): { element: HTMLElement; render(next: NextStop | undefined): void } {
  const text = el('p', { 'data-testid': 'next-stop' });
  const panel = map ? createMapPanel(map, { label: 'Map of your next delivery', testId: 'rider-map' }) : undefined;
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'next-heading' },
    el('h2', { id: 'next-heading', class: 'card-title' }, 'Next stop'),
    text,
    panel?.element,
  );
  element.hidden = true;

  return {
    element,
    render(next) {
      element.hidden = !next;
      if (!next) return;
      const { delivery, position } = next;
      const { lat, lng, line1, city } = delivery.address;
      const destination = lat !== undefined && lng !== undefined ? { lat, lng } : undefined;
      const away = destination && position ? ` · ${formatDistance(greatCircleKm(position, destination))} away` : '';
      setText(text, `${delivery.orderNumber}: ${line1}, ${city}${away}`);
      const markers: MapMarker[] = [];
      if (destination) markers.push({ id: `delivery:${delivery.deliveryId}`, kind: 'destination', label: delivery.orderNumber, ...destination });
      if (position) markers.push({ id: 'me', kind: 'rider', label: 'You', lat: position.lat, lng: position.lng });
      panel?.show({ markers, path: [] });
    },
  };
}
