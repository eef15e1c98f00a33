import { latenessOf, type Lateness } from '@orderpulse/contracts';
import { el } from '../shared/dom.js';
import { DELIVERY_STATUS_LABELS } from '../shared/status-labels.js';
import type { FleetDelivery, FleetModel } from './fleet-model.js';

/** Issue 18 point 5: how often the panel is worked out again without any event (a window can end in silence). */
const RECHECK_MS = 15_000;

export interface FlaggedDelivery {
  delivery: FleetDelivery;
  lateness: Lateness & { state: 'late' | 'at_risk' };
}

/** Open deliveries that are late or at risk, the latest first (most minutes past the window's end). */
export function flaggedDeliveries(active: readonly FleetDelivery[], now: Date): FlaggedDelivery[] {
  return active
    .map((delivery) => ({ delivery, lateness: latenessOf({ ...delivery, eta: delivery.eta }, now) }))
    .filter((f): f is FlaggedDelivery => f.lateness.state === 'late' || f.lateness.state === 'at_risk')
    .sort((a, b) => (b.lateness.minutesLate ?? 0) - (a.lateness.minutesLate ?? 0) || a.delivery.orderNumber.localeCompare(b.delivery.orderNumber));
}

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function describe({ delivery, lateness }: FlaggedDelivery, now: Date): string {
  const minutes = lateness.minutesLate ?? 0;
  const end = delivery.promisedWindow ? timeOf(delivery.promisedWindow.end) : '?';
  if (lateness.state === 'at_risk') return `at risk: ${Math.abs(minutes)} min to spare before ${end}`;
  const why = Date.parse(delivery.promisedWindow!.end) < now.getTime() ? `window ended ${end}` : `ETA ${delivery.eta ? timeOf(delivery.eta.at) : '?'} after ${end}`;
  return `${Math.max(minutes, 1)} min late · ${why}`;
}

/**
 * Late and at-risk deliveries, live: worked out from the fleet (GET /deliveries and the admin
 * feed's snapshots, positions with their ETA and delivery.late) against each promised window,
 * again on every change and every 15 s.
 */
export function createLatenessView(fleet: FleetModel, open: (orderId: string) => void, now: () => Date = () => new Date()): HTMLElement {
  const list = el('ul', { class: 'lateness', 'data-testid': 'lateness-list' });
  const empty = el('p', { class: 'muted small', 'data-testid': 'lateness-empty' }, 'Every open delivery is on time.');
  const render = () => {
    const at = now();
    const flagged = flaggedDeliveries(fleet.active, at);
    empty.hidden = flagged.length > 0;
    list.replaceChildren(...flagged.map((f) => {
      const button = el('button', { type: 'button', class: 'link', 'aria-label': `Open order ${f.delivery.orderNumber} from the late deliveries` }, f.delivery.orderNumber);
      button.addEventListener('click', () => open(f.delivery.orderId));
      const text = el('span', { class: 'small', 'data-testid': 'lateness-text' }, ` ${describe(f, at)} · ${f.delivery.rider?.name ?? 'no rider yet'} · ${DELIVERY_STATUS_LABELS[f.delivery.status]}`);
      return el('li', { 'data-order-number': f.delivery.orderNumber, 'data-lateness': f.lateness.state, class: f.lateness.state }, button, text);
    }));
  };
  fleet.on('changed', render);
  setInterval(render, RECHECK_MS);
  render();
  return el('section', { class: 'card', 'aria-labelledby': 'lateness-heading', 'data-testid': 'lateness-panel' },
    el('h2', { id: 'lateness-heading', class: 'card-title' }, 'Late and at-risk deliveries'), empty, list);
}
