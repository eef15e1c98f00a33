import { ORDER_STATUSES, type OrderStatus } from '@orderpulse/contracts';
import { el } from '../shared/dom.js';
import { formatWhen } from '../shared/relative-time.js';
import { ORDER_STATUS_LABELS } from '../shared/status-labels.js';
import type { OrderQuery, OrderRow, OrdersStore } from './orders-store.js';

/** More rows than anyone reads; filter or search to find the rest. */
const MAX_ROWS = 200;
/** A change to more rows than this (a page load, retained statuses on connect) does not flash. */
const MAX_FLASHING = 5;

export interface OrdersTableHandlers {
  open(orderId: string): void;
  /** The status filter changed: the page may load more orders of that status. */
  filterChanged(status: OrderStatus | undefined): void;
  loadMore(): void;
}

export interface OrdersTableView {
  readonly element: HTMLElement;
  setHasMore(hasMore: boolean): void;
  setSelected(orderId: string | undefined): void;
  /** Puts the keyboard focus on the order's open button, when its row is shown. */
  focusRow(orderId: string): void;
}

function rowOf(row: OrderRow, selected: boolean, flash: boolean, open: (id: string) => void): HTMLTableRowElement {
  const button = el('button', { type: 'button', class: 'link', 'aria-label': `Open order ${row.orderNumber}` }, row.orderNumber);
  button.addEventListener('click', () => open(row.id));
  const classes = [selected ? 'selected' : '', flash ? 'flash' : ''].filter(Boolean).join(' ');
  return el(
    'tr',
    { 'data-order-id': row.id, 'data-order-number': row.orderNumber, class: classes || undefined, 'aria-selected': selected ? 'true' : undefined },
    el('td', {}, button),
    el('td', {}, row.customerName ?? '…', row.city ? el('span', { class: 'muted small' }, ` · ${row.city}`) : null),
    el('td', {}, el('span', { class: 'badge', 'data-status': row.status, 'data-testid': 'row-status' }, ORDER_STATUS_LABELS[row.status])),
    el('td', { class: 'num' }, el('time', { datetime: row.updatedAt }, formatWhen(row.updatedAt))),
    el('td', { class: 'num' }, String(row.version)),
  );
}

/** Filter, search and the live table of orders; it redraws whenever the store changes. */
export function createOrdersTableView(store: OrdersStore, handlers: OrdersTableHandlers): OrdersTableView {
  const filter = el(
    'select',
    { id: 'status-filter', name: 'status' },
    el('option', { value: '' }, 'All statuses'),
    ...ORDER_STATUSES.map((s) => el('option', { value: s }, ORDER_STATUS_LABELS[s])),
  );
  const search = el('input', { id: 'order-search', type: 'search', name: 'search', placeholder: 'OP-…', autocomplete: 'off', spellcheck: 'false' });
  const body = el('tbody', {});
  const count = el('p', { class: 'muted small', 'data-testid': 'orders-count', 'aria-live': 'polite' });
  const more = el('button', { type: 'button', class: 'secondary' }, 'Load older orders');
  more.hidden = true;
  const table = el(
    'table',
    { class: 'orders', 'data-testid': 'orders-table' },
    el('caption', { class: 'visually-hidden' }, 'Orders, newest first'),
    el('thead', {}, el('tr', {}, ...['Order', 'Customer', 'Status', 'Updated', 'Version'].map((h) => el('th', { scope: 'col' }, h)))),
    body,
  );
  const element = el(
    'section',
    { class: 'card orders-card', 'aria-labelledby': 'orders-heading' },
    el('h2', { id: 'orders-heading', class: 'card-title' }, 'Orders'),
    el(
      'div',
      { class: 'row filters' },
      el('div', { class: 'field' }, el('label', { for: 'status-filter' }, 'Filter by status'), filter),
      el('div', { class: 'field' }, el('label', { for: 'order-search' }, 'Search by order number'), search),
    ),
    el('div', { class: 'table-scroll' }, table),
    count,
    more,
  );

  let selected: string | undefined;
  const query = (): OrderQuery => ({ status: (filter.value || undefined) as OrderStatus | undefined, search: search.value });
  const render = (flashIds: ReadonlySet<string> = new Set()) => {
    const rows = store.query(query());
    const flash = flashIds.size <= MAX_FLASHING ? flashIds : new Set<string>();
    body.replaceChildren(...rows.slice(0, MAX_ROWS).map((row) => rowOf(row, row.id === selected, flash.has(row.id), handlers.open)));
    count.textContent = `${Math.min(rows.length, MAX_ROWS)} of ${store.size} orders shown${rows.length > MAX_ROWS ? '; filter or search to see the others' : ''}`;
  };

  store.on('changed', (ids) => render(new Set(ids)));
  filter.addEventListener('change', () => {
    render();
    handlers.filterChanged((filter.value || undefined) as OrderStatus | undefined);
  });
  search.addEventListener('input', () => render());
  more.addEventListener('click', () => handlers.loadMore());
  render();

  return {
    element,
    setHasMore(hasMore) {
      more.hidden = !hasMore;
    },
    setSelected(orderId) {
      selected = orderId;
      render();
    },
    focusRow(orderId) {
      body.querySelector<HTMLButtonElement>(`tr[data-order-id="${CSS.escape(orderId)}"] button`)?.focus();
    },
  };
}
