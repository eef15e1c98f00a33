import { el, setText } from '../shared/dom.js';
import { formatAge, formatDistance, formatDuration, formatWhen } from '../shared/relative-time.js';
import { DELIVERY_STATUS_LABELS } from '../shared/status-labels.js';
import { createPositionPlot } from './position-plot.js';
import type { TrackingState } from './tracking-state.js';

export interface DeliveryView {
  readonly element: HTMLElement;
  render(state: TrackingState): void;
  /** Called every second: only the "updated … ago" text changes. */
  tick(state: TrackingState, nowMs: number): void;
}

/** The rider, their last position, the ETA and how fresh the position is. */
export function createDeliveryView(): DeliveryView {
  const status = el('p', { class: 'delivery-status', 'data-testid': 'delivery-status' });
  const riderName = el('dd', { 'data-testid': 'rider-name' }, '—');
  const eta = el('dd', { 'data-testid': 'eta' }, '—');
  const age = el('p', { class: 'age muted small', 'data-testid': 'position-age', 'aria-live': 'off' });
  const plot = createPositionPlot();
  const element = el('section', { class: 'card delivery', 'aria-labelledby': 'delivery-heading', 'data-testid': 'delivery' },
    el('h2', { id: 'delivery-heading', class: 'card-title' }, 'Delivery'),
    status,
    el('dl', { class: 'facts' },
      el('div', {}, el('dt', {}, 'Rider'), riderName),
      el('div', {}, el('dt', {}, 'Arrival'), eta)),
    plot.element,
    age,
  );
  element.hidden = true;

  return {
    element,
    render(state) {
      const tracking = state.tracking;
      element.hidden = !tracking;
      if (!tracking) return;
      setText(status, DELIVERY_STATUS_LABELS[tracking.status]);
      status.dataset.status = tracking.status;
      setText(riderName, tracking.rider?.name ?? 'not assigned yet');
      const estimate = state.eta;
      setText(eta, estimate
        ? `${formatDuration(estimate.minutes)} (around ${formatWhen(estimate.at)}), ${formatDistance(estimate.distanceKm)} away`
        : tracking.status === 'delivered' ? 'Delivered' : 'Not known yet');
      plot.render({ destination: state.destination, rider: state.location, trail: state.trail });
    },
    tick(state, nowMs) {
      const at = state.positionAt;
      age.hidden = !at || !state.tracking;
      if (at) setText(age, `Position updated ${formatAge(nowMs - Date.parse(at))}`);
    },
  };
}
