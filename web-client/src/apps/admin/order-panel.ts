import type { OrderSnapshot } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { formatWhen } from '../shared/relative-time.js';
import { ORDER_STATUS_LABELS } from '../shared/status-labels.js';
import type { ConsoleDeps } from './console-deps.js';
import { createDeliverySection } from './delivery-section.js';
import { feedbackText } from './ratings-view.js';
import { createStatusForm } from './status-form.js';
import { createReplayView } from './replay-view.js';
import { createOrderReceiptsView } from './receipts-view.js';

export interface OrderPanel {
  readonly element: HTMLElement;
  open(orderId: string): void;
  close(): void;
}

const money = (cents: number) => (cents / 100).toFixed(2);

function detailsOf(order: OrderSnapshot): HTMLElement[] {
  const a = order.deliveryAddress;
  const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  return [
    el(
      'dl',
      { class: 'pairs' },
      el('dt', {}, 'Customer'),
      el('dd', {}, `${order.customer.name} <${order.customer.email}>`),
      el('dt', {}, 'Address'),
      el('dd', {}, [a.line1, a.line2, `${a.postcode} ${a.city}`, a.country].filter(Boolean).join(', ')),
      el('dt', {}, 'Items'),
      el('dd', {}, `${order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')} (total ${money(total)})`),
      el('dt', {}, 'Tracking number'),
      el('dd', {}, order.trackingNumber ?? '—'),
      // Issue 18 points 5 and 7.
      el('dt', {}, 'Promised window'),
      el(
        'dd',
        { 'data-testid': 'order-window' },
        order.deliveryWindow ? `${formatWhen(order.deliveryWindow.start)} – ${formatWhen(order.deliveryWindow.end)}` : '—',
      ),
      el('dt', {}, 'Customer rating'),
      el('dd', { 'data-testid': 'order-rating' }, order.feedback ? feedbackText(order.feedback) : order.status === 'delivered' ? 'Not rated yet' : '—'),
    ),
    el('h3', {}, 'History'),
    el(
      'ol',
      { class: 'history', 'data-testid': 'order-history' },
      ...order.history.map((h) =>
        el(
          'li',
          {},
          el('time', { datetime: h.at }, formatWhen(h.at)),
          ` ${ORDER_STATUS_LABELS[h.status]}`,
          h.note ? el('span', { class: 'muted' }, ` · ${h.note}`) : null,
        ),
      ),
    ),
  ];
}

/** One order opened from the table: details, history, status change and delivery. */
/** `onClose` gets the closed order's id, so the console can put the focus back on its row. */
export function createOrderPanel(deps: ConsoleDeps, onClose: (orderId: string) => void): OrderPanel {
  // Focused when an order opens, so a keyboard user lands in the panel, not 200 rows away.
  const heading = el('h2', { id: 'panel-heading', class: 'card-title', tabindex: '-1' });
  const badge = el('span', { class: 'badge', 'data-testid': 'panel-status' });
  const closeButton = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Close the order' }, 'Close');
  const details = el('div', { class: 'panel-details' });
  const problem = problemBox('panel-error');
  const statusForm = createStatusForm(deps, (snapshot) => showSnapshot(snapshot));
  const delivery = createDeliverySection(deps);
  const replay = createReplayView(deps, deps.map ?? null);
  const receipts = deps.receipts ? createOrderReceiptsView(deps, deps.receipts) : undefined;
  const element = el(
    'section',
    { class: 'card panel', 'aria-labelledby': 'panel-heading', 'data-testid': 'order-panel' },
    el('div', { class: 'bar' }, el('div', {}, heading, badge), closeButton),
    problem.element,
    details,
    statusForm.element,
    receipts?.element ?? null,
    delivery.element,
    replay.element,
  );
  element.hidden = true;

  let orderId: string | undefined;
  let snapshot: OrderSnapshot | undefined;
  let loading = false;

  function showSnapshot(next: OrderSnapshot): void {
    if (next.id !== orderId || (snapshot && next.version < snapshot.version)) return;
    snapshot = next;
    deps.store.upsertSnapshot(next);
    details.replaceChildren(...detailsOf(next));
    replay.show(next);
    syncFromStore();
  }
  function load(id: string): void {
    loading = true;
    deps.orders
      .getOrder(id)
      .then(showSnapshot)
      .catch((err: unknown) => {
        if (orderId === id) problem.show(deps.failed(err));
      })
      .finally(() => {
        loading = false;
      });
  }
  function syncFromStore(): void {
    if (!orderId) return;
    const row = deps.store.get(orderId);
    if (!row) return;
    setText(heading, `Order ${row.orderNumber}`);
    setText(badge, ORDER_STATUS_LABELS[row.status]);
    badge.dataset.status = row.status;
    statusForm.show(row.id, row.status);
    // A change made elsewhere: fetch the new history.
    if (snapshot && row.version > snapshot.version && !loading) load(row.id);
  }
  function close(): void {
    const closed = orderId;
    orderId = undefined;
    snapshot = undefined;
    delivery.close();
    replay.close();
    receipts?.close();
    element.hidden = true;
    if (closed) onClose(closed);
  }

  deps.store.on('changed', (ids) => {
    if (orderId && ids.includes(orderId)) syncFromStore();
  });
  closeButton.addEventListener('click', close);

  return {
    element,
    close,
    open(id) {
      if (id === orderId) return;
      orderId = id;
      snapshot = undefined;
      problem.show(null);
      details.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
      element.hidden = false;
      syncFromStore();
      delivery.open(id);
      receipts?.open(id);
      load(id);
      element.scrollIntoView?.({ block: 'nearest' });
      heading.focus({ preventScroll: true });
    },
  };
}
