import type { OrderStatusMessage } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';
import type { ConnectionState } from '../shared/mqtt-live-client.js';
import { PROGRESS_STEPS, STATUS_LABELS } from './status-labels.js';

export interface TrackingView {
  readonly root: HTMLElement;
  showStatus(message: OrderStatusMessage): void;
  showConnection(state: ConnectionState): void;
  /** A message for the customer, or `null` to clear it. */
  showProblem(text: string | null): void;
}

const CONNECTION_HINTS: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting to live updates…',
  live: 'Updates appear here as they happen.',
  reconnecting: 'Connection lost; reconnecting. The status below may be out of date.',
  offline: 'Not receiving live updates.',
};

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function createTrackingView(orderId: string): TrackingView {
  const connectionLabel = el('span', { class: 'conn-label' }, 'connecting');
  const connection = el('span', { class: 'conn', 'data-testid': 'connection-state', 'data-state': 'connecting' },
    el('span', { class: 'conn-dot', 'aria-hidden': 'true' }), connectionLabel);
  const connectionHint = el('p', { class: 'conn-hint' }, CONNECTION_HINTS.connecting);
  const orderNumber = el('h1', { class: 'order-number', 'data-testid': 'order-number' }, '…');
  const status = el('p', { class: 'status', 'data-testid': 'order-status', 'data-status': '' }, 'Waiting for the latest status…');
  const stepItems = PROGRESS_STEPS.map((step) => el('li', { 'data-step': step }, STATUS_LABELS[step]));
  const steps = el('ol', { class: 'steps', 'aria-label': 'Progress' }, ...stepItems);
  const trackingNumber = el('dd', { 'data-testid': 'tracking-number' }, '—');
  const updated = el('time', { 'data-testid': 'order-updated' }, '—');
  const version = el('dd', { 'data-testid': 'order-version' }, '—');
  const problem = el('p', { class: 'problem', role: 'alert' });
  problem.hidden = true;

  const root = el('main', { class: 'page' },
    el('header', { class: 'bar' }, el('a', { class: 'brand', href: '/track' }, 'orderpulse'), connection),
    el('section', { class: 'card', 'aria-live': 'polite' },
      el('p', { class: 'eyebrow' }, 'Order'),
      orderNumber,
      status,
      steps,
      el('dl', { class: 'facts' },
        el('div', {}, el('dt', {}, 'Tracking number'), trackingNumber),
        el('div', {}, el('dt', {}, 'Last updated'), el('dd', {}, updated)),
        el('div', {}, el('dt', {}, 'Version'), version)),
    ),
    problem,
    connectionHint,
    el('footer', { class: 'footer' }, 'Order id ', el('code', {}, orderId)),
  );

  return {
    root,
    showStatus(message) {
      setText(orderNumber, message.orderNumber);
      setText(status, STATUS_LABELS[message.status]);
      status.dataset.status = message.status;
      setText(trackingNumber, message.trackingNumber ?? '—');
      updated.dateTime = message.updatedAt;
      setText(updated, timeFormat.format(new Date(message.updatedAt)));
      setText(version, String(message.version));
      const reached = PROGRESS_STEPS.indexOf(message.status);
      steps.hidden = message.status === 'cancelled';
      stepItems.forEach((item, index) => {
        item.className = index < reached ? 'done' : index === reached ? 'current' : '';
        if (index === reached) item.setAttribute('aria-current', 'step');
        else item.removeAttribute('aria-current');
      });
      document.title = `${message.orderNumber} · ${STATUS_LABELS[message.status]} · orderpulse`;
    },
    showConnection(state) {
      connection.dataset.state = state;
      setText(connectionLabel, state);
      setText(connectionHint, CONNECTION_HINTS[state]);
    },
    showProblem(text) {
      problem.hidden = text === null;
      setText(problem, text ?? '');
    },
  };
}
