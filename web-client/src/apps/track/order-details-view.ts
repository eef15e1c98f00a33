import type { Address, OrderItem } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';
import type { OrderContents } from './tracking-state.js';

/** Prices are whole cents; the shop's currency is not part of the order, so none is printed. */
export const formatMoney = (cents: number) => (cents / 100).toFixed(2);

export function addressLines(address: Address): string[] {
  return [address.line1, address.line2, `${address.postcode} ${address.city}`].filter((line): line is string => Boolean(line));
}

function itemRow(item: OrderItem): HTMLElement {
  return el(
    'li',
    {},
    el('span', { class: 'item-name' }, `${item.quantity} × ${item.name}`),
    el('span', { class: 'item-price' }, formatMoney(item.quantity * item.unitPriceCents)),
  );
}

/** What the customer ordered and where it is going, from the order as orders-service has it. */
export function createOrderDetailsView(): { element: HTMLElement; render(contents: OrderContents | undefined): void } {
  const items = el('ul', { class: 'items', 'data-testid': 'order-items', 'aria-label': 'Items' });
  const total = el('p', { class: 'items-total', 'data-testid': 'order-total' });
  const address = el('address', { class: 'delivery-address', 'data-testid': 'delivery-address' });
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'details-heading' },
    el('h2', { id: 'details-heading', class: 'card-title' }, 'Your order'),
    items,
    total,
    el('h3', { class: 'subheading' }, 'Delivering to'),
    address,
  );
  element.hidden = true;
  let shown: OrderContents | undefined;

  return {
    element,
    render(contents) {
      element.hidden = !contents;
      if (!contents || contents === shown) return;
      shown = contents;
      items.replaceChildren(...contents.items.map(itemRow));
      setText(total, `Total ${formatMoney(contents.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0))}`);
      address.replaceChildren(...addressLines(contents.deliveryAddress).flatMap((line, i) => (i ? [el('br'), line] : [line])));
    },
  };
}
