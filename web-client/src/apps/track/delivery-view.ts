import { el, setText } from '../shared/dom.js';
import type { MapSettings } from '../shared/map-scene.js';
import { formatAge, formatDistance, formatDuration, formatWhen } from '../shared/relative-time.js';
import { describeFreshness } from '../shared/signal-freshness.js';
import { deliveryLabel } from '../shared/status-labels.js';
import { createRiderWhereabouts } from './rider-whereabouts.js';
import { createProofView, type ProofImageLoader } from './proof-view.js';
import type { TrackingState } from './tracking-state.js';

const STOPS_WHILE = new Set(['assigned', 'picked_up', 'in_transit']);

/** Issue 18 point 6: "Your stop is next" / "2 stops before yours". */
export function stopsText(before: number): string {
  return before === 0 ? 'Your stop is next' : `${before} stop${before === 1 ? '' : 's'} before yours`;
}

export interface DeliveryView {
  readonly element: HTMLElement;
  render(state: TrackingState): void;
  /** Called every second: only the "updated … ago" text changes. */
  tick(state: TrackingState, nowMs: number): void;
}

/** The rider, their last position (map or plot), the ETA and how fresh the position is. */
export function createDeliveryView(map: MapSettings | null, loadProofImage?: ProofImageLoader): DeliveryView {
  const proof = createProofView(loadProofImage);
  const status = el('p', { class: 'delivery-status', 'data-testid': 'delivery-status' });
  const riderName = el('dd', { 'data-testid': 'rider-name' }, '—');
  const eta = el('dd', { 'data-testid': 'eta' }, '—');
  const arriving = el(
    'p',
    { class: 'notice arriving', role: 'status', 'data-testid': 'arriving' },
    'Your rider is almost there: they are close to your address.',
  );
  arriving.hidden = true;
  // Issue 18 point 6: where this stop is in the rider's round (a count only).
  const stops = el('p', { class: 'stops', 'data-testid': 'stops', 'aria-live': 'polite' });
  stops.hidden = true;
  const age = el('p', { class: 'age muted small', 'data-testid': 'position-age', 'aria-live': 'off' });
  // How fresh the rider's signal is: "Updated 5 s ago", then "Signal lost 2 min ago".
  const signal = el('p', { class: 'signal small', 'data-testid': 'rider-signal', 'data-freshness': '', 'aria-live': 'polite' });
  const etaNote = el('p', { class: 'eta-note small', 'data-testid': 'eta-freshness' });
  const whereabouts = createRiderWhereabouts(map);
  const element = el(
    'section',
    { class: 'card delivery', 'aria-labelledby': 'delivery-heading', 'data-testid': 'delivery' },
    el('h2', { id: 'delivery-heading', class: 'card-title' }, 'Delivery'),
    status,
    arriving,
    stops,
    proof.element,
    el('dl', { class: 'facts' }, el('div', {}, el('dt', {}, 'Rider'), riderName), el('div', {}, el('dt', {}, 'Arrival'), eta)),
    etaNote,
    signal,
    whereabouts.element,
    age,
  );
  element.hidden = true;

  return {
    element,
    render(state) {
      const tracking = state.tracking;
      element.hidden = !tracking;
      if (!tracking) return;
      setText(status, deliveryLabel(tracking));
      status.dataset.status = tracking.status;
      const near = deliveryLabel(tracking) !== deliveryLabel({ status: tracking.status });
      arriving.hidden = !near;
      if (near) status.dataset.arriving = 'true';
      else delete status.dataset.arriving;
      setText(riderName, tracking.rider?.name ?? 'not assigned yet');
      const before = tracking.rider && STOPS_WHILE.has(tracking.status) ? tracking.stopsBefore : undefined;
      stops.hidden = before === undefined;
      if (before !== undefined) setText(stops, stopsText(before));
      const estimate = state.eta;
      setText(
        eta,
        estimate
          ? `${formatDuration(estimate.minutes)} (around ${formatWhen(estimate.at)}), ${formatDistance(state.distanceKm ?? estimate.distanceKm)} away`
          : tracking.status === 'delivered'
            ? 'Delivered'
            : 'Not known yet',
      );
      whereabouts.render(state);
      proof.render(tracking);
    },
    tick(state, nowMs) {
      const at = state.positionAt;
      age.hidden = !at || !state.tracking;
      if (at) setText(age, `Position updated ${formatAge(nowMs - Date.parse(at))}`);
      const onTheWay = state.tracking?.status === 'picked_up' || state.tracking?.status === 'in_transit';
      const fresh = onTheWay ? describeFreshness({ ...state.signal, positionAt: at }, nowMs) : undefined;
      signal.hidden = !fresh;
      signal.dataset.freshness = fresh?.freshness ?? '';
      if (fresh) setText(signal, fresh.freshness === 'lost' ? fresh.text : `Rider's signal: ${fresh.text.toLowerCase()}`);
      etaNote.hidden = !fresh?.etaNote || !state.eta;
      if (fresh?.etaNote) setText(etaNote, fresh.etaNote);
    },
  };
}
