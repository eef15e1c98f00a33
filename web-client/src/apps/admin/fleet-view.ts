import { greatCircleKm } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';
import { createMapPanel } from '../shared/map-panel.js';
import type { MapMarker, MapSettings } from '../shared/map-scene.js';
import { formatDistance } from '../shared/relative-time.js';
import { describeFreshness } from '../shared/signal-freshness.js';
import { deliveryLabel } from '../shared/status-labels.js';
import type { FleetDelivery, FleetModel } from './fleet-model.js';

function describe(d: FleetDelivery): string {
  const who = d.rider?.name ?? 'no rider yet';
  const away = d.position && d.destination ? ` · ${formatDistance(greatCircleKm(d.position, d.destination))} to go` : '';
  return `${who} · ${deliveryLabel(d)}${away}`;
}

/** Markers: each delivery's address (by order number) and each rider on the road (by name). */
function markersOf(fleet: FleetModel): MapMarker[] {
  const addresses = fleet.active
    .filter((d) => d.destination)
    .map((d): MapMarker => ({ id: `delivery:${d.deliveryId}`, kind: 'destination', label: d.orderNumber, lat: d.destination!.lat, lng: d.destination!.lng }));
  const riders = fleet.riders.map((r): MapMarker => ({ id: `rider:${r.id}`, kind: 'rider', label: r.name, lat: r.position.lat, lng: r.position.lng }));
  return [...addresses, ...riders];
}

/**
 * Deliveries on the road: a live map of every open delivery's address and every rider's last
 * position (when a tile source is configured), and the same as a list, which is also what a
 * screen reader gets.
 */
export function createFleetView(fleet: FleetModel, map: MapSettings | null, open: (orderId: string) => void): HTMLElement {
  const panel = map ? createMapPanel(map, { label: 'Map of riders and delivery addresses', testId: 'fleet-map' }) : undefined;
  const list = el('ul', { class: 'fleet', 'data-testid': 'fleet-list' });
  const empty = el('p', { class: 'muted small' });
  const render = () => {
    const active = fleet.active;
    setText(empty, 'No deliveries are open right now.');
    empty.hidden = active.length > 0;
    list.replaceChildren(
      ...active.map((d) => {
        const button = el('button', { type: 'button', class: 'link', 'aria-label': `Open order ${d.orderNumber} from the deliveries` }, d.orderNumber);
        button.addEventListener('click', () => open(d.orderId));
        return el(
          'li',
          { 'data-delivery-id': d.deliveryId, 'data-status': d.status },
          button,
          el('span', { class: 'muted small' }, ` ${describe(d)}`),
          signalOf(d),
        );
      }),
    );
    panel?.show({ markers: markersOf(fleet), path: [] });
  };
  /** The rider's signal, as the customer's page says it: "updated 5 s ago", "signal lost 2 min ago". */
  const signalOf = (d: FleetDelivery) => {
    if (!d.rider || (d.status !== 'picked_up' && d.status !== 'in_transit')) return null;
    const span = el('span', { class: 'rider-signal small', 'data-testid': `rider-signal-${d.rider.id}`, 'data-rider-id': d.rider.id, 'data-freshness': '' });
    showSignal(span);
    return span;
  };
  const showSignal = (span: HTMLElement) => {
    const fresh = describeFreshness(fleet.signalOf(span.dataset.riderId ?? ''), Date.now());
    span.hidden = !fresh;
    span.dataset.freshness = fresh?.freshness ?? '';
    setText(span, fresh ? ` · ${fresh.text.toLowerCase()}` : '');
  };
  fleet.on('changed', render);
  render();
  // The ages move on every second; only their text is rewritten (the list's buttons keep the focus).
  setInterval(() => list.querySelectorAll<HTMLElement>('.rider-signal').forEach(showSignal), 1_000);
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'fleet-heading' },
    el('h2', { id: 'fleet-heading', class: 'card-title' }, 'Deliveries on the road'),
    panel?.element,
    empty,
    list,
  );
}
