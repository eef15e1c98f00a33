import { createConnectionIndicator, type IndicatorState } from '../shared/connection-indicator.js';
import { el, problemBox, setText } from '../shared/dom.js';
import type { MapSettings } from '../shared/map-scene.js';
import { ORDER_STATUS_LABELS, PROGRESS_STEPS } from '../shared/status-labels.js';
import { formatWhen } from '../shared/relative-time.js';
import { createDeliveryView } from './delivery-view.js';
import type { ProofImageLoader } from './proof-view.js';
import { createOrderDetailsView } from './order-details-view.js';
import { buildTimeline } from './timeline.js';
import { createTimelineView } from './timeline-view.js';
import type { TrackingState } from './tracking-state.js';

export interface TrackingView {
  readonly root: HTMLElement;
  render(state: TrackingState): void;
  tick(state: TrackingState, nowMs: number): void;
  showConnection(state: IndicatorState): void;
  /** A notice for the customer, or `null` to clear it. */
  showProblem(text: string | null): void;
  /** Replaces everything about the order with the reason it cannot be shown. */
  showAccessError(text: string): void;
  /** Where the notification control goes. */
  readonly extras: HTMLElement;
}

const CONNECTION_HINTS: Readonly<Record<IndicatorState, string>> = {
  connecting: 'Connecting to live updates…',
  live: 'Updates appear here as they happen.',
  reconnecting: 'Connection lost; reconnecting. The status below may be out of date.',
  polling: 'Live updates are unavailable; checking for changes every few seconds.',
  offline: 'Not receiving live updates.',
};

/** The page; `map` is the tile source for the rider's map, or null for the offline plot. */
export function createTrackingView(map: MapSettings | null, loadProofImage?: ProofImageLoader): TrackingView {
  const connection = createConnectionIndicator();
  const connectionHint = el('p', { class: 'conn-hint', 'data-testid': 'connection-hint' }, CONNECTION_HINTS.connecting);
  const orderNumber = el('h1', { class: 'order-number', 'data-testid': 'order-number' }, '…');
  const status = el('p', { class: 'status', 'data-testid': 'order-status', 'data-status': '' }, 'Waiting for the latest status…');
  const stepItems = PROGRESS_STEPS.map((step) => el('li', { 'data-step': step }, ORDER_STATUS_LABELS[step]));
  const steps = el('ol', { class: 'steps', 'aria-label': 'Progress' }, ...stepItems);
  const trackingNumber = el('dd', { 'data-testid': 'tracking-number' }, '—');
  const updated = el('time', { 'data-testid': 'order-updated' }, '—');
  const problem = problemBox('problem');
  const accessError = el('section', { class: 'card access-error', role: 'alert', 'data-testid': 'access-error' });
  accessError.hidden = true;
  const delivery = createDeliveryView(map, loadProofImage);
  const orderDetails = createOrderDetailsView();
  const timeline = createTimelineView();
  const extras = el('div', { class: 'extras' });
  const summary = el(
    'section',
    { class: 'card', 'aria-live': 'polite', 'data-testid': 'order-summary' },
    el('p', { class: 'eyebrow' }, 'Order'),
    orderNumber,
    status,
    steps,
    el(
      'dl',
      { class: 'facts' },
      el('div', {}, el('dt', {}, 'Tracking number'), trackingNumber),
      el('div', {}, el('dt', {}, 'Last updated'), el('dd', {}, updated)),
    ),
  );
  const details = el('div', { class: 'stack' }, summary, delivery.element, orderDetails.element, timeline.element, extras);

  const root = el(
    'main',
    { class: 'page' },
    el('header', { class: 'bar' }, el('a', { class: 'brand', href: '/track' }, 'orderpulse'), connection.element),
    accessError,
    details,
    problem.element,
    connectionHint,
  );

  function renderOrder(state: TrackingState): void {
    const order = state.order;
    if (!order) return;
    setText(orderNumber, order.orderNumber);
    setText(status, ORDER_STATUS_LABELS[order.status]);
    status.dataset.status = order.status;
    // For tools and tests; the customer has no use for version numbers.
    status.dataset.version = String(order.version);
    setText(trackingNumber, order.trackingNumber ?? '—');
    updated.dateTime = order.updatedAt;
    setText(updated, formatWhen(order.updatedAt));
    const reached = PROGRESS_STEPS.indexOf(order.status);
    steps.hidden = order.status === 'cancelled';
    stepItems.forEach((item, index) => {
      item.className = index < reached ? 'done' : index === reached ? 'current' : '';
      if (index === reached) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    });
    document.title = `${order.orderNumber} · ${ORDER_STATUS_LABELS[order.status]} · orderpulse`;
  }

  return {
    root,
    extras,
    render(state) {
      if (!accessError.hidden) return;
      renderOrder(state);
      delivery.render(state);
      orderDetails.render(state.contents);
      timeline.render(buildTimeline(state.order, state.tracking));
    },
    tick(state, nowMs) {
      if (accessError.hidden) delivery.tick(state, nowMs);
    },
    showConnection(state) {
      connection.show(state);
      setText(connectionHint, CONNECTION_HINTS[state]);
    },
    showProblem: problem.show,
    showAccessError(text) {
      details.remove();
      connectionHint.hidden = true;
      problem.show(null);
      document.title = 'No access · orderpulse';
      accessError.replaceChildren(
        el('h1', { class: 'title' }, 'This order cannot be shown'),
        el('p', {}, text),
        el('p', {}, el('a', { href: '/track' }, 'Look up your order'), ' with its order number and your e-mail address.'),
      );
      accessError.hidden = false;
    },
  };
}
