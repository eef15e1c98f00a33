import { latenessOf, type Lateness, type OrderStatus } from '@orderpulse/contracts';
import { el } from '../shared/dom.js';
import { DELIVERY_STATUS_LABELS, ORDER_STATUS_LABELS } from '../shared/status-labels.js';
import type { FleetDelivery, FleetModel } from './fleet-model.js';
import type { OrderRow, OrdersStore } from './orders-store.js';

/** Issue 18 point 5: how often the panel is worked out again without any event (a window can end in silence). */
const RECHECK_MS = 15_000;
/** Orders not shipped yet have no delivery: the console judges them by their own window. */
const BEFORE_DELIVERY: ReadonlySet<OrderStatus> = new Set(['pending', 'confirmed', 'processing']);

type Flag = Lateness & { state: 'late' | 'at_risk' };

export interface FlaggedDelivery {
  delivery: FleetDelivery;
  lateness: Flag;
}

export interface FlaggedEntry {
  orderId: string;
  orderNumber: string;
  lateness: Flag;
  /** What the line says after the lateness. */
  detail: string;
  windowEnd: string;
  etaAt: string | undefined;
}

const isFlag = (lateness: Lateness): lateness is Flag => lateness.state === 'late' || lateness.state === 'at_risk';
const latestFirst = (a: { lateness: Flag; orderNumber: string }, b: { lateness: Flag; orderNumber: string }) =>
  (b.lateness.minutesLate ?? 0) - (a.lateness.minutesLate ?? 0) || a.orderNumber.localeCompare(b.orderNumber);

/** Open deliveries that are late or at risk, the latest first (most minutes past the window's end). */
export function flaggedDeliveries(active: readonly FleetDelivery[], now: Date): FlaggedDelivery[] {
  return active
    .map((delivery) => ({ delivery, orderNumber: delivery.orderNumber, lateness: latenessOf(delivery, now) }))
    .filter((f): f is FlaggedDelivery & { orderNumber: string } => isFlag(f.lateness))
    .sort(latestFirst)
    .map(({ delivery, lateness }) => ({ delivery, lateness }));
}

/** Deliveries and orders not shipped yet (by their own window), late or at risk, the latest first. */
export function flaggedEntries(active: readonly FleetDelivery[], orders: readonly OrderRow[], now: Date): FlaggedEntry[] {
  const withDelivery = new Set(active.map((d) => d.orderId));
  const deliveries = flaggedDeliveries(active, now).map(({ delivery, lateness }): FlaggedEntry => ({
    orderId: delivery.orderId,
    orderNumber: delivery.orderNumber,
    lateness,
    detail: `${delivery.rider?.name ?? 'no rider yet'} · ${DELIVERY_STATUS_LABELS[delivery.status]}`,
    windowEnd: delivery.promisedWindow!.end,
    etaAt: delivery.eta?.at,
  }));
  const unshipped = orders
    .filter((row) => row.deliveryWindow && BEFORE_DELIVERY.has(row.status) && !withDelivery.has(row.id))
    .map((row) => ({ row, lateness: latenessOf({ status: 'awaiting_assignment', history: [], eta: null, promisedWindow: row.deliveryWindow }, now) }))
    .filter((f): f is { row: OrderRow; lateness: Flag } => isFlag(f.lateness))
    .map(({ row, lateness }): FlaggedEntry => ({
      orderId: row.id,
      orderNumber: row.orderNumber,
      lateness,
      detail: `not shipped yet · ${ORDER_STATUS_LABELS[row.status]}`,
      windowEnd: row.deliveryWindow!.end,
      etaAt: undefined,
    }));
  return [...deliveries, ...unshipped].sort(latestFirst);
}

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function describe(entry: FlaggedEntry, now: Date): string {
  const minutes = entry.lateness.minutesLate ?? 0;
  const end = timeOf(entry.windowEnd);
  if (entry.lateness.state === 'at_risk') return `at risk: ${Math.abs(minutes)} min to spare before ${end}`;
  const why = Date.parse(entry.windowEnd) < now.getTime() ? `window ended ${end}` : `ETA ${entry.etaAt ? timeOf(entry.etaAt) : '?'} after ${end}`;
  return `${Math.max(minutes, 1)} min late · ${why}`;
}

/**
 * Late and at-risk orders, live: worked out from the fleet (GET /deliveries and the admin feed's
 * snapshots, positions with their ETA and delivery.late) and, for orders not shipped yet, from
 * their own window, against each promised window, again on every change and every 15 s.
 */
export function createLatenessView(fleet: FleetModel, orders: OrdersStore, open: (orderId: string) => void, now: () => Date = () => new Date()): HTMLElement {
  const list = el('ul', { class: 'lateness', 'data-testid': 'lateness-list' });
  const empty = el('p', { class: 'muted small', 'data-testid': 'lateness-empty' }, 'Every open order is on time.');
  const render = () => {
    const at = now();
    const flagged = flaggedEntries(fleet.active, orders.query(), at);
    empty.hidden = flagged.length > 0;
    list.replaceChildren(
      ...flagged.map((f) => {
        const button = el('button', { type: 'button', class: 'link', 'aria-label': `Open order ${f.orderNumber} from the late orders` }, f.orderNumber);
        button.addEventListener('click', () => open(f.orderId));
        const text = el('span', { class: 'small', 'data-testid': 'lateness-text' }, ` ${describe(f, at)} · ${f.detail}`);
        return el('li', { 'data-order-number': f.orderNumber, 'data-lateness': f.lateness.state, class: f.lateness.state }, button, text);
      }),
    );
  };
  fleet.on('changed', render);
  orders.on('changed', render);
  setInterval(render, RECHECK_MS);
  render();
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'lateness-heading', 'data-testid': 'lateness-panel' },
    el('h2', { id: 'lateness-heading', class: 'card-title' }, 'Late and at-risk orders'),
    empty,
    list,
  );
}
